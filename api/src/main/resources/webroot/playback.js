// The dashboard's Playback view: an account's starts, streams, viewing time and downloads per hour
// (GET /playback), its top contents, its properties, sources and device classes, and IAB downloads where
// audio measured from CDN logs has any, optionally only the playbacks with some dimensions' values (the
// URL's filters). This module asks the API and draws the answers; app.js says the page's state.
/* global Chart -- from the webjar's UMD script, loaded before the modules */

import { readableAccounts, renderAccess, renderAccountChoices } from './access.js';
import { firstFailure, getJson } from './api.js';
import { $, formatNumber, setTotal } from './dom.js';
import { minuteText } from './time.js';
import { navigate, resolveRange } from './url.js';

const HOUR_MS = 3_600_000;
const TOP_CONTENTS = 10;
const COLORS = { starts: '#4ea8ff', streams: '#3ddc97', time: '#f5a524', grid: 'rgba(139, 152, 165, 0.14)', text: '#8b98a5' };

let chart = null;
let retentionChart = null;

/**
 * The dimensions the view can be filtered by, as GET /playback names them, with their labels. (contentid
 * is no filter here: in this view it picks the content whose retention curve is shown.)
 */
export const FILTERS = new Map([['content_type', 'content type'], ['property', 'property'], ['category', 'category'],
  ['distributor', 'distributor'], ['producer', 'producer'], ['show', 'show'], ['zone', 'zone'],
  ['device_class', 'device class'], ['source', 'source']]);

/** This page's address with one filter set (a value) or removed (null): the view in place, the rest kept. */
export function withFilter(name, value) {
  const params = new URLSearchParams(location.search);
  if (value === null) {
    params.delete(name);
  } else {
    params.set(name, value);
  }
  return `?${params}`;
}

/** Hours starting in [fromMs, toMs), as GET /playback reads from and to: whole hours, the current one included. */
export function playbackRange(range) {
  return { fromMs: Math.floor(range.fromMs / HOUR_MS) * HOUR_MS, toMs: Math.ceil(range.toMs / HOUR_MS) * HOUR_MS };
}

/** How each source of playback counts is measured, as the By source table names it. */
const SOURCES = new Map([['player', 'Player events'], ['cmcd', 'CMCD reports'], ['cdn-log', 'CDN logs (audio)']]);

/** The sums of the answer's rows: the API lists only hours (and groups) with something counted. */
function totals(rows) {
  return rows.reduce((sum, row) => ({
    starts: sum.starts + row.starts, streams: sum.streams + row.streams,
    time_s: sum.time_s + row.time_s, downloads: sum.downloads + row.downloads,
    iab_downloads: sum.iab_downloads + row.iab_downloads,
  }), { starts: 0, streams: 0, time_s: 0, downloads: 0, iab_downloads: 0 });
}

/** Per group over the whole range: the API answers per hour and group, the view shows the range. */
function byGroup(rows, column) {
  const groups = new Map();
  rows.forEach(row => {
    const name = row[column] ?? '';
    groups.set(name, [...(groups.get(name) ?? []), row]);
  });
  return [...groups].map(([name, groupRows]) => ({ name, ...totals(groupRows) }))
      .sort((a, b) => b.starts - a.starts || b.time_s - a.time_s || b.downloads - a.downloads
          || b.iab_downloads - a.iab_downloads || a.name.localeCompare(b.name));
}

/**
 * @param hours         GET /playback's hourly rows
 * @param contents      the same with group_by=content
 * @param properties    the same with group_by=property
 * @param deviceClasses the same with group_by=device_class
 * @param sources       the same with group_by=source
 * @param range         the hours asked for, epoch ms
 */
export function renderPlayback(view, hours, contents, properties, deviceClasses, sources, range) {
  const sums = totals(hours);
  setTotal(view, 'starts', sums.starts, formatNumber(sums.starts));
  setTotal(view, 'streams', sums.streams, formatNumber(sums.streams));
  setTotal(view, 'time', sums.time_s, playTime(sums.time_s));
  setTotal(view, 'downloads', sums.downloads, formatNumber(sums.downloads));
  setTotal(view, 'iab_downloads', sums.iab_downloads, formatNumber(sums.iab_downloads));
  // only audio measured from CDN logs has IAB downloads: their tile and columns where the range has any
  view.dataset.iab = sums.iab_downloads > 0;
  renderChart($('canvas', view), hours, range);
  renderGroups($('[data-role=top-contents]', view), byGroup(contents, 'content_id').slice(0, TOP_CONTENTS), '(no content id)',
      name => { // a content's name opens its retention curve, in place (app.js follows data-nav links)
        const params = new URLSearchParams(location.search);
        params.set('contentid', name);
        return `?${params}`;
      });
  // a property's or device class's name shows only its playbacks
  renderGroups($('[data-role=by-property]', view), byGroup(properties, 'property'), '(none)',
      name => withFilter('property', name));
  // counts written before device classes were recorded have none
  renderGroups($('[data-role=by-device-class]', view), byGroup(deviceClasses, 'device_class'), '(not recorded)',
      name => withFilter('device_class', name));
  renderGroups($('[data-role=by-source]', view), byGroup(sources, 'source'), '(not recorded)',
      name => withFilter('source', name), name => SOURCES.get(name) ?? name);
  view.dataset.renderedAt = Date.now();
}

/** The filters in effect ({name: value}), each with a link that removes it. */
export function renderFilters(view, filters) {
  const list = $('[data-role=playback-filters]', view);
  list.replaceChildren(...Object.entries(filters).map(([name, value]) => {
    const filter = Object.assign(document.createElement('span'), { className: 'filter' });
    filter.dataset.filter = `${name}=${value}`;
    const remove = Object.assign(document.createElement('a'), { href: withFilter(name, null), textContent: '×',
      title: `Show every ${FILTERS.get(name)}` });
    remove.dataset.nav = '';
    filter.append(`${FILTERS.get(name)}: `, Object.assign(document.createElement('b'), { textContent: value }), remove);
    return filter;
  }));
}

function playTime(seconds) {
  const whole = Math.round(seconds);
  if (whole < 60) {
    return `${whole} s`;
  }
  const minutes = Math.floor(whole / 60);
  return minutes < 60 ? `${minutes} min ${whole % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** One point per hour of the range, 0 where nothing was counted; time in minutes on its own axis. */
function renderChart(canvas, hours, range) {
  chart ??= createChart(canvas);
  const byTime = new Map(hours.map(hour => [Date.parse(hour.time), hour]));
  const labels = [];
  const starts = [];
  const streams = [];
  const minutes = [];
  for (let t = range.fromMs; t < range.toMs; t += HOUR_MS) {
    const hour = byTime.get(t);
    labels.push(new Date(t).toISOString());
    starts.push(hour ? hour.starts : 0);
    streams.push(hour ? hour.streams : 0);
    minutes.push(hour ? hour.time_s / 60 : 0);
  }
  chart.data.labels = labels;
  [starts, streams, minutes].forEach((data, i) => { chart.data.datasets[i].data = data; });
  chart.update();
}

function createChart(canvas) {
  const bars = (label, color) => ({ label, data: [], backgroundColor: color, borderColor: color, yAxisID: 'y' });
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: [],
      datasets: [bars('Starts', COLORS.starts), bars('Streams', COLORS.streams),
        { type: 'line', label: 'Viewing time (min)', data: [], borderColor: COLORS.time, backgroundColor: COLORS.time,
          borderWidth: 2.5, pointRadius: 2, yAxisID: 'time' }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          grid: { color: COLORS.grid },
          ticks: {
            color: COLORS.text, maxRotation: 0, autoSkipPadding: 24,
            callback(value) {
              return this.getLabelForValue(value).slice(5, 16).replace('T', ' ');
            },
          },
        },
        y: { beginAtZero: true, grid: { color: COLORS.grid }, ticks: { color: COLORS.text, precision: 0 },
          title: { display: true, text: 'playbacks', color: COLORS.text } },
        time: { position: 'right', beginAtZero: true, grid: { display: false }, ticks: { color: COLORS.time },
          title: { display: true, text: 'minutes watched', color: COLORS.time } },
      },
      plugins: {
        legend: { labels: { color: '#e6edf3', font: { size: 14 } } },
        tooltip: { callbacks: { title: items => `${items[0].label.slice(0, 16).replace('T', ' ')} UTC (the hour from then)` } },
      },
    },
  });
}

/**
 * The retention curve of the content the URL names (GET /playback/retention): the share of its starts
 * that played each bucket of it, 0 where none did; hidden when no content is picked.
 */
export function renderRetention(view, answer) {
  const section = $('[data-role=retention]', view);
  section.hidden = !answer;
  if (!answer) {
    return;
  }
  $('[data-role=retention-content]', section).textContent = answer.content_id;
  retentionChart ??= createRetentionChart($('canvas', section));
  const reached = new Map(answer.buckets.map(bucket => [bucket.from_s, bucket]));
  const last = answer.buckets.reduce((max, bucket) => Math.max(max, bucket.from_s), -answer.bucket_s);
  const labels = [];
  const shares = [];
  for (let from = 0; from <= last; from += answer.bucket_s) {
    labels.push(position(from));
    shares.push(reached.has(from) && reached.get(from).share !== null ? reached.get(from).share * 100 : 0);
  }
  retentionChart.data.labels = labels;
  retentionChart.data.datasets[0].data = shares;
  retentionChart.update();
  $('[data-role=retention-top]', section).textContent = answer.top.length === 0
      ? `No playing reported for this content in the range (${formatNumber(answer.starts)} starts).`
      : `Most watched: ${answer.top.map(bucket => `${position(bucket.from_s)}–${position(bucket.to_s)} `
          + `(${formatNumber(bucket.playbacks)} of ${formatNumber(answer.starts)} starts)`).join(', ')}.`;
  section.dataset.renderedAt = Date.now();
}

/** A content position as m:ss (or h:mm:ss). */
function position(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor(seconds / 60) % 60;
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function createRetentionChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [{ label: 'Share of starts (%)', data: [], borderColor: COLORS.streams,
      backgroundColor: COLORS.streams, borderWidth: 2.5, pointRadius: 2, stepped: 'before' }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { color: COLORS.grid }, ticks: { color: COLORS.text, maxRotation: 0, autoSkipPadding: 24 },
          title: { display: true, text: 'position in the content', color: COLORS.text } },
        y: { beginAtZero: true, suggestedMax: 100, grid: { color: COLORS.grid }, ticks: { color: COLORS.text },
          title: { display: true, text: '% of starts', color: COLORS.text } },
      },
      plugins: { legend: { labels: { color: '#e6edf3', font: { size: 14 } } } },
    },
  });
}

/**
 * @param linkOf  a group's name → where it links (none: plain text)
 * @param labelOf a group's name → what the table shows
 */
function renderGroups(table, groups, unnamed, linkOf = null, labelOf = name => name) {
  $('tbody', table).replaceChildren(...groups.map(group => {
    const row = document.createElement('tr');
    Object.assign(row.dataset, {
      name: group.name, starts: group.starts, streams: group.streams, time: group.time_s, downloads: group.downloads,
      iabDownloads: group.iab_downloads,
    });
    const label = group.name ? labelOf(group.name) : unnamed;
    const name = Object.assign(document.createElement('th'), { scope: 'row', textContent: label });
    if (linkOf && group.name) {
      name.replaceChildren(Object.assign(document.createElement('a'), { href: linkOf(group.name), textContent: label }));
      name.firstChild.dataset.nav = '';
    }
    row.replaceChildren(name, ...[formatNumber(group.starts), formatNumber(group.streams), playTime(group.time_s),
      formatNumber(group.downloads)].map(text => Object.assign(document.createElement('td'), { textContent: text })),
    Object.assign(document.createElement('td'), { className: 'iab', textContent: formatNumber(group.iab_downloads) }));
    return row;
  }));
  table.closest('section').dataset.count = groups.length;
}

// ---------------------------------------------------------------- asking the API

/**
 * An account's playback metrics over the range (only the playbacks the URL's filters keep): the hourly
 * totals, and the same split by content, by property, by device class and by source. The account is the URL's, else
 * the key's first (or, for a key that reads every account, the one with viewers most recently); the list
 * offers the others. Returns the state the banner shows; null when the view changed meanwhile.
 */
export async function refreshPlayback(view, nowMs, stillCurrent) {
  const [access, accounts] = await Promise.allSettled([getJson('access'), getJson('accounts')]);
  const choices = readableAccounts(access, accounts);
  const account = view.accountId ?? choices[0] ?? null;
  const range = playbackRange(resolveRange(view, nowMs));
  let results = [];
  let retention = null;
  if (account) {
    const filters = Object.entries(view.filters).map(([name, value]) => `&${name}=${encodeURIComponent(value)}`).join('');
    const path = `playback?accountid=${encodeURIComponent(account)}&from=${range.fromMs / 1000}&to=${range.toMs / 1000}${filters}`;
    results = await Promise.allSettled([getJson(path), getJson(`${path}&group_by=content`), getJson(`${path}&group_by=property`),
      getJson(`${path}&group_by=device_class`), getJson(`${path}&group_by=source`)]);
    if (view.contentId) {
      [retention] = await Promise.allSettled([getJson(`playback/retention?accountid=${encodeURIComponent(account)}`
          + `&contentid=${encodeURIComponent(view.contentId)}&from=${range.fromMs / 1000}&to=${range.toMs / 1000}`)]);
    }
  }
  if (!stillCurrent()) {
    return null; // the view changed meanwhile; a newer round draws it
  }
  renderAccess(access.status === 'fulfilled' ? access.value : null);
  renderAccountChoices($('#playback-account-form'), choices, account);
  const element = $('#playback-view');
  element.dataset.accountid = account ?? '';
  $('[data-role=playback-range]', element).textContent = `Hours from ${minuteText(new Date(range.fromMs).toISOString())} `
      + `to ${minuteText(new Date(range.toMs).toISOString())} UTC, the current hour so far.`;
  renderFilters(element, view.filters);
  if (results.length && results.every(r => r.status === 'fulfilled')) {
    renderPlayback(element, ...results.map(r => r.value), range);
  }
  renderRetention(element, retention?.status === 'fulfilled' ? retention.value : null);
  const failure = firstFailure([accounts, ...results, ...(retention ? [retention] : [])]);
  return failure ?? { kind: results.length && results[0].value.length ? 'ok' : 'no-data', account };
}

export function wirePlayback() {
  $('#playback-account-form').addEventListener('submit', event => {
    event.preventDefault();
    navigate(params => {
      params.set('accountid', $('#playback-account').value.trim());
      params.delete('contentid'); // another account's contents are others
    });
  });
  // a filter on any dimension; those of the breakdowns are also a click on their name
  $('#playback-filter-dimension').replaceChildren(...[...FILTERS].map(([name, label]) => new Option(label, name)));
  $('#playback-filter-form').addEventListener('submit', event => {
    event.preventDefault();
    const value = $('#playback-filter-value').value.trim();
    if (value) {
      navigate(params => params.set($('#playback-filter-dimension').value, value));
    }
    $('#playback-filter-value').value = '';
  });
}
