// The dashboard's CDN view: an account's traffic, requests, cache status and response status groups over
// time (GET /cdn), and its traffic per PoP. This module asks the API and draws the answers; app.js says the
// page's state.
/* global Chart -- from the webjar's UMD script, loaded before the modules */

import { readableAccounts, renderAccess, renderAccountChoices } from './access.js';
import { firstFailure, getJson } from './api.js';
import { chartOptions, intervalRange, points } from './charts.js';
import { $, formatNumber, setTotal } from './dom.js';
import { minuteText } from './time.js';
import { navigate, resolveRange } from './url.js';

const COLORS = {
  traffic: '#4ea8ff', requests: '#f5a524', hit: '#3ddc97', miss: '#f5a524', other: '#8b98a5',
  status: ['#8b98a5', '#3ddc97', '#4ea8ff', '#f5a524', '#ff6b6b'],
  grid: 'rgba(139, 152, 165, 0.14)', text: '#8b98a5',
};
const STATUS_GROUPS = ['1xx', '2xx', '3xx', '4xx', '5xx'];

const charts = {};

/** The sums of the answer's rows: the API lists only intervals (and groups) with requests. */
function totals(rows) {
  const sum = { requests: 0, bytes: 0, hits: 0, misses: 0, other: 0, errors: 0 };
  STATUS_GROUPS.forEach(group => { sum[`status_${group}`] = 0; });
  rows.forEach(row => Object.keys(sum).forEach(name => { sum[name] += row[name]; }));
  return sum;
}

/** Hits ÷ (hits + misses), to 4 decimals as the API gives it; null without either. */
function hitRatio(sums) {
  const cached = sums.hits + sums.misses;
  return cached === 0 ? null : Math.round(sums.hits * 10_000 / cached) / 10_000;
}

/**
 * @param rows  GET /cdn's rows per interval
 * @param pops  the same with group_by=pop
 * @param range the intervals asked for ({@link intervalRange})
 */
export function renderCdn(view, rows, pops, range) {
  const sums = totals(rows);
  const ratio = hitRatio(sums);
  setTotal(view, 'bytes', sums.bytes, formatBytes(sums.bytes));
  setTotal(view, 'requests', sums.requests, formatNumber(sums.requests));
  setTotal(view, 'hit-ratio', ratio ?? '', percent(ratio));
  setTotal(view, 'errors', sums.errors, formatNumber(sums.errors));
  $('[data-role=errors-share]', view).textContent = sums.requests
      ? `${percent(sums.errors / sums.requests)} of requests answered 5xx` : 'requests answered 5xx';
  const series = points(rows, range);
  drawChart(view, 'traffic', series.labels, [series.of(row => row.bytes), series.of(row => row.requests)], trafficChart);
  drawChart(view, 'cache', series.labels, [series.of(row => row.hits), series.of(row => row.misses), series.of(row => row.other)],
      cacheChart);
  drawChart(view, 'status', series.labels, STATUS_GROUPS.map(group => series.of(row => row[`status_${group}`])), statusChart);
  renderPops($('[data-role=by-pop]', view), byPop(pops), sums.bytes);
  view.dataset.interval = range.interval;
  view.dataset.renderedAt = Date.now();
}

/** Bytes in decimal units, as CDNs bill them. */
function formatBytes(bytes) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let unit = 0;
  let value = bytes;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

function percent(share) {
  return share === null || share === undefined ? '–' : `${(share * 100).toFixed(1)} %`;
}

function drawChart(view, name, labels, data, create) {
  const canvas = $(`canvas[data-chart="${name}"]`, view);
  charts[name] ??= create(canvas);
  charts[name].data.labels = labels;
  data.forEach((values, i) => { charts[name].data.datasets[i].data = values; });
  charts[name].update();
}

function trafficChart(canvas) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: [],
      datasets: [
        { label: 'Traffic', data: [], backgroundColor: COLORS.traffic, borderColor: COLORS.traffic, yAxisID: 'y' },
        { type: 'line', label: 'Requests', data: [], borderColor: COLORS.requests, backgroundColor: COLORS.requests,
          borderWidth: 2, pointRadius: 0, yAxisID: 'requests' },
      ],
    },
    options: chartOptions({
      y: { beginAtZero: true, grid: { color: COLORS.grid }, ticks: { color: COLORS.text, callback: formatBytes },
        title: { display: true, text: 'traffic', color: COLORS.text } },
      requests: { position: 'right', beginAtZero: true, grid: { display: false }, ticks: { color: COLORS.requests, precision: 0 },
        title: { display: true, text: 'requests', color: COLORS.requests } },
    }, (label, value) => (label === 'Traffic' ? formatBytes(value) : formatNumber(value))),
  });
}

function cacheChart(canvas) {
  return stackedChart(canvas, [['Hits', COLORS.hit], ['Misses', COLORS.miss], ['Other (neither)', COLORS.other]]);
}

function statusChart(canvas) {
  return stackedChart(canvas, STATUS_GROUPS.map((group, i) => [group, COLORS.status[i]]));
}

/** Requests per interval, stacked by cache status or status group. */
function stackedChart(canvas, series) {
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: [],
      datasets: series.map(([label, color]) => ({ label, data: [], backgroundColor: color, borderColor: color })),
    },
    options: chartOptions({
      y: { stacked: true, beginAtZero: true, grid: { color: COLORS.grid }, ticks: { color: COLORS.text, precision: 0 },
        title: { display: true, text: 'requests', color: COLORS.text } },
    }, (label, value) => formatNumber(value), true),
  });
}

/** Per PoP over the whole range, the most traffic first: the API answers per interval and PoP. */
function byPop(rows) {
  const pops = new Map();
  rows.forEach(row => {
    const name = row.pop ?? '';
    pops.set(name, [...(pops.get(name) ?? []), row]);
  });
  return [...pops].map(([name, popRows]) => ({ name, ...totals(popRows) }))
      .sort((a, b) => b.bytes - a.bytes || b.requests - a.requests || a.name.localeCompare(b.name));
}

function renderPops(table, pops, allBytes) {
  $('tbody', table).replaceChildren(...pops.map(pop => {
    const row = document.createElement('tr');
    const ratio = hitRatio(pop);
    Object.assign(row.dataset, {
      name: pop.name, bytes: pop.bytes, requests: pop.requests, hitRatio: ratio ?? '', errors: pop.errors,
    });
    const share = allBytes ? pop.bytes / allBytes : 0;
    const bar = Object.assign(document.createElement('span'), { className: 'share-bar' });
    bar.style.width = `${(share * 100).toFixed(1)}%`;
    const shareCell = document.createElement('td');
    shareCell.replaceChildren(Object.assign(document.createElement('span'), { className: 'share-track' }), percent(share));
    shareCell.firstChild.append(bar);
    row.replaceChildren(Object.assign(document.createElement('th'), { scope: 'row', textContent: pop.name || '(unknown)' }),
        Object.assign(document.createElement('td'), { textContent: formatBytes(pop.bytes) }), shareCell,
        ...[formatNumber(pop.requests), percent(ratio), formatNumber(pop.errors)]
            .map(text => Object.assign(document.createElement('td'), { textContent: text })));
    return row;
  }));
  table.closest('section').dataset.count = pops.length;
}

// ---------------------------------------------------------------- asking the API

/**
 * An account's CDN figures over the range (GET /cdn): per minute, hour or day by the range's length,
 * and the same split by PoP; the account is chosen as in the Playback view, the filters are the URL's.
 * Returns the state the banner shows; null when the view changed meanwhile.
 */
export async function refreshCdn(view, nowMs, stillCurrent) {
  const [access, accounts] = await Promise.allSettled([getJson('access'), getJson('accounts')]);
  const choices = readableAccounts(access, accounts);
  const account = view.accountId ?? choices[0] ?? null;
  const range = intervalRange(resolveRange(view, nowMs), nowMs);
  let results = [];
  if (account) {
    const filterParams = [['zone', view.zone], ['host', view.host], ['contentid', view.contentId]]
        .filter(([, value]) => value).map(([name, value]) => `&${name}=${encodeURIComponent(value)}`).join('');
    const path = `cdn?accountid=${encodeURIComponent(account)}&from=${range.fromMs / 1000}&to=${range.toMs / 1000}`
        + `&interval=${range.interval}${filterParams}`;
    results = await Promise.allSettled([getJson(path), getJson(`${path}&group_by=pop`)]);
  }
  if (!stillCurrent()) {
    return null; // the view changed meanwhile; a newer round draws it
  }
  renderAccess(access.status === 'fulfilled' ? access.value : null);
  renderAccountChoices($('#cdn-account-form'), choices, account);
  const element = $('#cdn-view');
  element.dataset.accountid = account ?? '';
  const filterForm = $('#cdn-filters');
  [['zone', view.zone], ['host', view.host], ['contentid', view.contentId]].forEach(([name, value]) => {
    if (document.activeElement !== filterForm.elements[name]) {
      filterForm.elements[name].value = value ?? ''; // what is shown, unless the user is typing there
    }
  });
  $('[data-role=cdn-range]', element).textContent = `${range.interval[0].toUpperCase()}${range.interval.slice(1)}s from `
      + `${minuteText(new Date(range.fromMs).toISOString())} to ${minuteText(new Date(range.toMs).toISOString())} UTC, `
      + 'the current one so far.';
  if (results.length && results.every(r => r.status === 'fulfilled')) {
    renderCdn(element, ...results.map(r => r.value), range);
  }
  const failure = firstFailure([accounts, ...results]);
  return failure ?? { kind: results.length && results[0].value.length ? 'ok' : 'no-data', account };
}

export function wireCdn() {
  $('#cdn-account-form').addEventListener('submit', event => {
    event.preventDefault();
    navigate(params => {
      params.set('accountid', $('#cdn-account').value.trim());
      ['zone', 'host', 'contentid'].forEach(name => params.delete(name)); // another account's zones and hosts are others
    });
  });
  $('#cdn-filters').addEventListener('submit', event => {
    event.preventDefault();
    const form = event.target;
    navigate(params => ['zone', 'host', 'contentid'].forEach(name => {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value); else params.delete(name);
    }));
  });
  $('#cdn-filters').addEventListener('reset', () => navigate(params => ['zone', 'host', 'contentid'].forEach(name => params.delete(name))));
}
