// The dashboard's Experience view: how well an account's viewers are watching (docs/qoe.md) — live tiles, the
// figures per minute (hour, day) over the range (GET /qoe), a dimension's values ranked by how much each drags a
// metric down (GET /qoe/breakdown) and the startup times' distribution (GET /qoe/startup). This module asks the
// API and draws the answers; app.js says the page's state.
/* global Chart -- from the webjar's UMD script, loaded before the modules */

import { readableAccounts, renderAccess, renderAccountChoices } from './access.js';
import { firstFailure, getJson } from './api.js';
import { CHART_COLORS, chartOptions, intervalRange, points } from './charts.js';
import { $, formatNumber, setTotal } from './dom.js';
import { MINUTE_MS, minuteLabel, minuteStart, minuteText } from './time.js';
import { navigate, resolveRange } from './url.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const COLORS = {
  views: '#4ea8ff', playing: '#3ddc97', rebuffer: '#f5a524', failure: '#ff6b6b', exit: '#c792ea',
  p50: '#4ea8ff', p90: '#f5a524', startup: '#3ddc97',
};

/** The filters of the view (URL parameter → label): the dimensions a minute holds, so that live stays per minute. */
export const QOE_FILTERS = new Map([['contentid', 'content'], ['stream_type', 'stream type']]);

/** What the breakdown can split by, as GET /qoe/breakdown names it. */
export const DIMENSIONS = new Map([['browser', 'Browser'], ['os', 'Operating system'], ['device_class', 'Device class'],
  ['country', 'Country'], ['asn', 'Network (ASN)'], ['content', 'Content'], ['stream_type', 'Stream type'],
  ['property', 'Property'], ['error_code', 'Error code']]);

/** What it can rank by, with how a value reads. */
export const METRICS = new Map([
  ['failure_pct', { label: 'Playback failures %', format: value => percent(value) }],
  ['startup_failure_pct', { label: 'Startup failures %', format: value => percent(value) }],
  ['exit_before_start_pct', { label: 'Exits before start %', format: value => percent(value) }],
  ['rebuffer_pct', { label: 'Rebuffering %', format: value => percent(value) }],
  ['rebuffers_per_minute', { label: 'Rebuffers per minute', format: value => value.toFixed(3) }],
  ['startup_p50_ms', { label: 'Startup time p50', format: value => seconds(value) }],
  ['startup_p90_ms', { label: 'Startup time p90', format: value => seconds(value) }],
  ['avg_bitrate_kbps', { label: 'Average bitrate', format: value => `${formatNumber(Math.round(value))} kbps` }],
  ['score', { label: 'Experience score', format: value => value.toFixed(1) }],
]);
const DEFAULT_DIMENSION = 'browser';
const DEFAULT_METRIC = 'failure_pct';

/** The distribution's bins, ms: a startup bucket goes where the time it stands for lies. */
const BINS = [0, 500, 1_000, 2_000, 3_000, 5_000, 8_000, 15_000, Infinity];

const charts = {};

function percent(value) {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} %`;
}

function seconds(ms) {
  return ms === null || ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`;
}

/** The sums of the rows' counts (ratios are computed from these, never averaged). */
function totals(rows) {
  const sum = { views: 0, failures: 0, startup_failures: 0, exits_before_start: 0 };
  rows.forEach(row => Object.keys(sum).forEach(name => { sum[name] += row[name]; }));
  return sum;
}

function share(part, whole) {
  return whole ? Math.round(10_000 * part / whole) / 100 : null;
}

/**
 * @param rows      GET /qoe's rows per interval
 * @param live      its rows of the last whole minute (null: the range ends more than a day ago)
 * @param breakdown GET /qoe/breakdown's answer
 * @param startup   GET /qoe/startup's answer
 * @param range     the intervals asked for ({@link intervalRange})
 * @param liveMinuteMs the minute of {@code live}, epoch ms
 */
export function renderQoe(view, rows, live, breakdown, startup, range, liveMinuteMs) {
  const sums = totals(rows);
  const now = live?.[0] ?? null;
  setTotal(view, 'views', sums.views, formatNumber(sums.views));
  setTotal(view, 'playing', live ? (now?.playing_views ?? 0) : '', live ? formatNumber(now?.playing_views ?? 0) : '–');
  setTotal(view, 'rebuffering', now?.rebuffer_pct ?? '', percent(now?.rebuffer_pct));
  const liveMinute = $('[data-role=live-minute]', view);
  liveMinute.textContent = live ? `in ${minuteLabel(liveMinuteMs)} UTC` : 'not within the last day';
  liveMinute.dataset.minute = live ? liveMinuteMs : '';
  $('[data-role=rebuffering-views]', view).textContent = now ? `${formatNumber(now.rebuffering_views)} of them stalled` : '';
  setTotal(view, 'failures', sums.failures, formatNumber(sums.failures));
  $('[data-role=failures-share]', view).textContent = sums.views
      ? `${percent(share(sums.failures, sums.views))} of views; ${formatNumber(sums.startup_failures)} before the first frame`
      : 'views that ended on a fatal error';
  setTotal(view, 'exits', sums.exits_before_start, formatNumber(sums.exits_before_start));
  $('[data-role=exits-share]', view).textContent = sums.views
      ? `${percent(share(sums.exits_before_start, sums.views))} of views left before the first frame`
      : 'views left before the first frame';
  setTotal(view, 'startup-p50', startup.startup_p50_ms ?? '', seconds(startup.startup_p50_ms));
  setTotal(view, 'startup-p90', startup.startup_p90_ms ?? '', seconds(startup.startup_p90_ms));
  $('[data-role=startups]', view).textContent = `of ${formatNumber(startup.startups)} startups (±1 %)`;

  const series = points(rows, range);
  drawChart(view, 'views', series.labels, [series.of(row => row.views), series.of(row => row.playing_views ?? 0)], viewsChart);
  drawChart(view, 'quality', series.labels, [series.of(row => row.rebuffer_pct, null), series.of(row => row.failure_pct, null),
    series.of(row => row.exit_before_start_pct, null)], qualityChart);
  drawChart(view, 'startup', series.labels, [series.of(row => row.startup_p50_ms, null), series.of(row => row.startup_p90_ms, null)],
      startupChart);
  renderDistribution(view, startup);
  renderBreakdown(view, breakdown);
  view.dataset.interval = range.interval;
  view.dataset.renderedAt = Date.now();
}

function drawChart(view, name, labels, data, create) {
  const canvas = $(`canvas[data-chart="${name}"]`, view);
  charts[name] ??= create(canvas);
  charts[name].data.labels = labels;
  data.forEach((values, i) => { charts[name].data.datasets[i].data = values; });
  charts[name].update();
}

const line = (label, color, yAxisID = 'y') => ({ type: 'line', label, data: [], borderColor: color, backgroundColor: color,
  borderWidth: 2.5, pointRadius: 2, spanGaps: false, yAxisID });

function axis(text, extra = {}) {
  return { beginAtZero: true, grid: { color: CHART_COLORS.grid }, ticks: { color: CHART_COLORS.text, ...extra },
    title: { display: true, text, color: CHART_COLORS.text } };
}

function viewsChart(canvas) {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [
      { label: 'Views started', data: [], backgroundColor: COLORS.views, borderColor: COLORS.views, yAxisID: 'y' },
      line('Views playing', COLORS.playing)] },
    options: chartOptions({ y: axis('views', { precision: 0 }) }, (label, value) => formatNumber(value)),
  });
}

function qualityChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [line('Rebuffering %', COLORS.rebuffer), line('Playback failures %', COLORS.failure),
      line('Exits before start %', COLORS.exit)] },
    options: chartOptions({ y: axis('% (of watch time; of views)') }, (label, value) => percent(value)),
  });
}

function startupChart(canvas) {
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [line('Startup time p50', COLORS.p50), line('Startup time p90', COLORS.p90)] },
    options: chartOptions({ y: axis('seconds', { callback: ms => (ms / 1000).toFixed(1) }) }, (label, value) => seconds(value)),
  });
}

/** The startup times of the range in a few bins (each of the API's 1 % buckets falls in the bin of its time). */
function renderDistribution(view, startup) {
  const counts = BINS.slice(1).map(() => 0);
  startup.buckets.forEach(bucket => {
    const bin = BINS.findIndex((upper, i) => i > 0 && bucket.ms < upper) - 1;
    counts[bin] += bucket.views;
  });
  const labels = BINS.slice(1).map((upper, i) => (upper === Infinity ? `${BINS[i] / 1000} s and more`
      : `${BINS[i] / 1000}–${upper / 1000} s`));
  charts.distribution ??= new Chart($('canvas[data-chart="distribution"]', view), {
    type: 'bar',
    data: { labels: [], datasets: [{ label: 'Views', data: [], backgroundColor: COLORS.startup, borderColor: COLORS.startup }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { color: CHART_COLORS.grid }, ticks: { color: CHART_COLORS.text },
          title: { display: true, text: 'startup time', color: CHART_COLORS.text } },
        y: axis('views', { precision: 0 }),
      },
      plugins: { legend: { display: false } },
    },
  });
  charts.distribution.data.labels = labels;
  charts.distribution.data.datasets[0].data = counts;
  charts.distribution.update();
}

/** A dimension's value as the table names it. */
function valueName(dimension, row) {
  const value = row[dimension === 'content' ? 'content_id' : dimension];
  if (value === null || value === undefined) {
    return dimension === 'error_code' ? '(no error code)' : '(unknown)';
  }
  return dimension === 'asn' ? `AS${value}${row.as_org ? ` ${row.as_org}` : ''}` : String(value);
}

/** The values ranked by negative impact, the worst first, each with a bar of its impact on the overall metric. */
function renderBreakdown(view, answer) {
  const section = $('[data-role=breakdown]', view);
  const metric = METRICS.get(answer.metric);
  const dimension = answer.dimension;
  $('[data-role=breakdown-overall]', section).textContent = `Overall ${metric.label.toLowerCase()}: `
      + `${answer.overall.value === null ? '–' : metric.format(answer.overall.value)} over ${formatNumber(answer.overall.views)} views, `
      + `${answer.period === 'minute' ? 'minutes' : 'hours'} from ${minuteText(answer.from)} to ${minuteText(answer.to)} UTC.`;
  $('[data-role=breakdown-value-head]', section).textContent = metric.label;
  const worst = answer.values.reduce((max, row) => Math.max(max, Math.abs(row.impact ?? 0)), 0);
  $('tbody', section).replaceChildren(...answer.values.map(row => {
    const tr = document.createElement('tr');
    const name = row[dimension === 'content' ? 'content_id' : dimension];
    Object.assign(tr.dataset, { name: name ?? '', views: row.views, value: row.value ?? '', share: row.share ?? '',
      impact: row.impact ?? '' });
    const bar = Object.assign(document.createElement('span'), { className: `impact-bar${row.impact > 0 ? ' worse' : ''}` });
    bar.style.width = `${worst ? (Math.abs(row.impact ?? 0) / worst * 100).toFixed(1) : 0}%`;
    const impactCell = document.createElement('td');
    impactCell.replaceChildren(Object.assign(document.createElement('span'), { className: 'share-track' }),
        row.impact === null ? '–' : `${row.impact > 0 ? '+' : ''}${row.impact.toFixed(2)}`);
    impactCell.firstChild.append(bar);
    tr.replaceChildren(Object.assign(document.createElement('th'), { scope: 'row', textContent: valueName(dimension, row) }),
        ...[formatNumber(row.views), row.value === null ? '–' : metric.format(row.value),
          row.share === null ? '–' : `${(row.share * 100).toFixed(1)} %`]
            .map(text => Object.assign(document.createElement('td'), { textContent: text })), impactCell);
    return tr;
  }));
  section.dataset.count = answer.values.length;
}

// ---------------------------------------------------------------- asking the API

/**
 * An account's experience over the range: the rows per minute, hour or day by the range's length (filtered by the
 * URL's content and stream type), the last whole minute for the live tiles, the breakdown the URL picks over the
 * range's hours, and the startup times. Returns the state the banner shows; null when the view changed meanwhile.
 */
export async function refreshQoe(view, nowMs, stillCurrent) {
  const [access, accounts] = await Promise.allSettled([getJson('access'), getJson('accounts')]);
  const choices = readableAccounts(access, accounts);
  const account = view.accountId ?? choices[0] ?? null;
  const range = intervalRange(resolveRange(view, nowMs), nowMs);
  const dimension = DIMENSIONS.has(view.dimension) ? view.dimension : DEFAULT_DIMENSION;
  const metric = METRICS.has(view.metric) ? view.metric : DEFAULT_METRIC;
  // "now": the last whole minute of the range (the current one fills in as players report, every 30 s)
  const liveMinuteMs = Math.min(minuteStart(nowMs), range.toMs) - MINUTE_MS;
  const hasLive = liveMinuteMs >= nowMs - DAY_MS;
  let results = [];
  if (account) {
    const filters = [['contentid', view.contentId], ['stream_type', view.streamType]].filter(([, value]) => value)
        .map(([name, value]) => `&${name}=${encodeURIComponent(value)}`).join('');
    const of = (fromMs, toMs) => `accountid=${encodeURIComponent(account)}&from=${fromMs / 1000}&to=${toMs / 1000}${filters}`;
    const hours = [Math.floor(range.fromMs / HOUR_MS) * HOUR_MS, Math.ceil(range.toMs / HOUR_MS) * HOUR_MS];
    results = await Promise.allSettled([
      getJson(`qoe?${of(range.fromMs, range.toMs)}&interval=${range.interval}`),
      hasLive ? getJson(`qoe?${of(liveMinuteMs, liveMinuteMs + MINUTE_MS)}&interval=minute`) : Promise.resolve(null),
      getJson(`qoe/breakdown?${of(...hours)}&dimension=${dimension}&metric=${metric}`),
      getJson(`qoe/startup?${of(range.fromMs, range.toMs)}&interval=${range.interval}`)]);
  }
  if (!stillCurrent()) {
    return null; // the view changed meanwhile; a newer round draws it
  }
  renderAccess(access.status === 'fulfilled' ? access.value : null);
  renderAccountChoices($('#qoe-account-form'), choices, account);
  const element = $('#qoe-view');
  element.dataset.accountid = account ?? '';
  const filterForm = $('#qoe-filters');
  [['contentid', view.contentId], ['stream_type', view.streamType]].forEach(([name, value]) => {
    if (document.activeElement !== filterForm.elements[name]) {
      filterForm.elements[name].value = value ?? ''; // what is shown, unless the user is typing there
    }
  });
  $('#qoe-dimension').value = dimension;
  $('#qoe-metric').value = metric;
  $('[data-role=qoe-range]', element).textContent = `${range.interval[0].toUpperCase()}${range.interval.slice(1)}s from `
      + `${minuteText(new Date(range.fromMs).toISOString())} to ${minuteText(new Date(range.toMs).toISOString())} UTC, `
      + 'the current one so far.';
  if (results.length && results.every(r => r.status === 'fulfilled')) {
    renderQoe(element, ...results.map(r => r.value), range, liveMinuteMs);
  }
  const failure = firstFailure([accounts, ...results]);
  return failure ?? { kind: results.length && (results[0].value.length || results[1].value?.length) ? 'ok' : 'no-data', account };
}

export function wireQoe() {
  $('#qoe-account-form').addEventListener('submit', event => {
    event.preventDefault();
    navigate(params => {
      params.set('accountid', $('#qoe-account').value.trim());
      [...QOE_FILTERS.keys()].forEach(name => params.delete(name)); // another account's contents are others
    });
  });
  $('#qoe-filters').addEventListener('submit', event => {
    event.preventDefault();
    const form = event.target;
    navigate(params => [...QOE_FILTERS.keys()].forEach(name => {
      const value = form.elements[name].value.trim();
      if (value) params.set(name, value); else params.delete(name);
    }));
  });
  $('#qoe-filters').addEventListener('reset', () => navigate(params => [...QOE_FILTERS.keys()].forEach(name => params.delete(name))));
  $('#qoe-dimension').replaceChildren(...[...DIMENSIONS].map(([name, label]) => new Option(label, name)));
  $('#qoe-metric').replaceChildren(...[...METRICS].map(([name, { label }]) => new Option(label, name)));
  $('#qoe-dimension').addEventListener('change', event => navigate(params => params.set('dimension', event.target.value)));
  $('#qoe-metric').addEventListener('change', event => navigate(params => params.set('metric', event.target.value)));
}
