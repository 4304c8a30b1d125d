// The dashboard's CCU view: the jobs with viewers recently, and a panel per job of the URL — its latest
// full minute, a chart and a table of every minute of the range (the open one provisional), its tracking
// ids and viewer report (viewers.js), and exports of what is shown (GET /jobs, GET /ccu).
/* global Chart -- from the webjar's UMD script, loaded before the modules */
import { firstFailure, getJson } from './api.js';
import { renderAccess, showReportAccess } from './access.js';
import { $, formatNumber, saveFile } from './dom.js';
import { MINUTE_MS, durationText, fileStamp, minuteLabel, minuteStart } from './time.js';
import { navigate, normaliseJob, resolveRange } from './url.js';
import { downloadViewerReport, renderTracking, trackingInTheirAccounts } from './viewers.js';

export const COLORS = {
  ss: '#4ea8ff',
  cs: '#3ddc97',
  gap: 'rgba(245, 165, 36, 0.25)',
  provisional: 'rgba(230, 237, 243, 0.08)',
  grid: 'rgba(139, 152, 165, 0.14)',
  text: '#8b98a5',
};

/**
 * The CCU view: the jobs with viewers recently, or the URL's jobs side by side, each with its minutes,
 * its tracking ids and its viewer report. Returns the state the banner shows; null when the view changed meanwhile.
 */
export async function refreshCcu(view, nowMs, stillCurrent) {
  const range = resolveRange(view, nowMs);
  const [access, jobs, ...rest] = await Promise.allSettled([getJson('access'), getJson('jobs'),
      ...view.jobs.map(job => getJson(ccuPath(job, range))),
      ...view.jobs.map(job => getJson(`tracking?jobid=${encodeURIComponent(job)}`))]);
  const perJob = rest.slice(0, view.jobs.length);
  const trackingPerJob = rest.slice(view.jobs.length);
  const inAccounts = await trackingInTheirAccounts(trackingPerJob);
  if (!stillCurrent()) {
    return null; // the view changed meanwhile; a newer round draws it
  }
  renderAccess(access.status === 'fulfilled' ? access.value : null);
  if (jobs.status === 'fulfilled') {
    renderJobList(jobs.value, view, nowMs);
  }
  view.jobs.forEach((job, i) => renderPanel(panels.get(job), perJob[i], range, nowMs));
  view.jobs.forEach((job, i) => renderTracking(panels.get(job).element, trackingPerJob[i], inAccounts));
  return overallState(view, jobs, perJob);
}

function ccuPath(job, range) {
  return `ccu?jobid=${encodeURIComponent(job)}&in=${Math.floor(range.fromMs / 1000)}&out=${Math.ceil(range.toMs / 1000)}`;
}

/** The one state the banner shows: a key or network problem hides everything else. */
function overallState(view, jobs, perJob) {
  const failure = firstFailure([jobs, ...perJob]);
  if (failure) {
    return failure;
  }
  const shown = view.jobs.length ? perJob : [jobs];
  return { kind: shown.every(r => r.value.length === 0) ? 'no-data' : 'ok' };
}

// ---------------------------------------------------------------- the job list

function renderJobList(jobs, view, nowMs) {
  const list = $('#job-list');
  const focused = document.activeElement?.closest('.job-card')?.dataset.jobid;
  list.replaceChildren(...jobs.map(job => {
    const item = document.createElement('li');
    item.className = 'job-card';
    item.dataset.jobid = job.jobid;
    const open = Date.parse(job.time) + MINUTE_MS > nowMs;
    item.innerHTML = `
      <a href="?jobid=${job.jobid}" data-nav>
        <code class="job-id"></code>
        <span class="job-numbers">
          <span><b data-metric="ssccu" data-value="${job.ssccu}">${formatNumber(job.ssccu)}</b> server side</span>
          <span><b data-metric="csccu" data-value="${job.csccu}">${formatNumber(job.csccu)}</b> player side</span>
        </span>
        <span class="muted">latest minute ${minuteLabel(job.time)} UTC${open ? ' (still open)' : ''} ·
          last beacon <span data-since="${Date.parse(job.last_rx_at)}" data-template="{duration} ago"></span></span>
      </a>`;
    $('.job-id', item).textContent = job.jobid;
    return item;
  }));
  if (focused) {
    $(`.job-card[data-jobid="${focused}"] a`)?.focus(); // keyboard users keep their place
  }

  // Jobs not shown yet can be added side by side; rebuilt only on change, so an open list stays open.
  const select = $('#add-job');
  const addable = jobs.map(job => job.jobid).filter(job => !view.jobs.includes(job));
  if (select.dataset.jobs !== addable.join()) {
    select.dataset.jobs = addable.join();
    select.replaceChildren(select.options[0], ...addable.map(job => new Option(job, job)));
  }
}

export function wireJobList() {
  $('#open-job-form').addEventListener('submit', event => {
    event.preventDefault();
    navigate(params => params.set('jobid', normaliseJob($('#open-job-input').value)));
  });
  $('#add-job').addEventListener('change', event => {
    navigate(params => params.append('jobid', event.target.value));
  });
}

// ---------------------------------------------------------------- a job's panel

const panels = new Map(); // jobid -> { element, chart, provisional, minutes, range }

export function syncPanels(jobs) {
  for (const [job, panel] of panels) {
    if (!jobs.includes(job)) {
      panel.chart.destroy();
      panel.element.remove();
      panels.delete(job);
    }
  }
  const container = $('#panels');
  for (const job of jobs) {
    if (!panels.has(job)) {
      panels.set(job, createPanel(job));
    }
    container.append(panels.get(job).element); // in URL order
  }
  container.dataset.count = jobs.length;
}

function createPanel(job) {
  // Imported, not cloned: a template's own nodes belong to an inert document without a window.
  const element = document.importNode($('#panel-template').content.firstElementChild, true);
  element.dataset.jobid = job;
  $('.job-id', element).textContent = job;
  const provisional = { index: -1 };
  const panel = { element, provisional, chart: createChart($('canvas', element), provisional), minutes: [] };
  element.querySelectorAll('[data-export]').forEach(button =>
      button.addEventListener('click', () => exportShown(job, panel, button.dataset.export)));
  element.querySelectorAll('[data-report]').forEach(button =>
      button.addEventListener('click', () => downloadViewerReport(job, panel, button.dataset.report)));
  element.querySelectorAll('.report-actions').forEach(showReportAccess);
  $('[data-action=close]', element).addEventListener('click',
      () => navigate(params => {
        const rest = params.getAll('jobid').filter(other => normaliseJob(other) !== job);
        params.delete('jobid');
        rest.forEach(other => params.append('jobid', other));
      }));
  return panel;
}

function renderPanel(panel, result, range, nowMs) {
  const element = panel.element;
  if (result.status === 'rejected') {
    // Keep the last numbers on screen, dimmed, while the API cannot be asked.
    element.dataset.stale = 'true';
    if (result.reason.kind === 'error') {
      element.dataset.state = 'error';
      $('[data-role=message]', element).textContent = result.reason.message;
    }
    return;
  }
  const minutes = result.value; // newest first, only minutes with viewers
  Object.assign(panel, { minutes, range });
  delete element.dataset.stale;
  element.dataset.state = minutes.length ? 'ok' : 'no-data';
  element.dataset.renderedAt = nowMs;
  element.dataset.live = String(range.toMs > nowMs);
  $('[data-role=message]', element).textContent = minutes.length ? ''
      : 'No data yet for this job in this range: waiting for beacons.';
  renderHeadline(element, minutes, range, nowMs);
  renderChart(panel, minutes, range, nowMs);
  renderTable(element, minutes, nowMs);
}

/**
 * The big numbers are the last full minute: the open one climbs from zero as its beacons arrive,
 * so it is shown apart, as provisional. A minute absent from the answer had no viewers.
 */
function renderHeadline(element, minutes, range, nowMs) {
  const byTime = new Map(minutes.map(minute => [Date.parse(minute.time), minute]));
  const openMinuteMs = minuteStart(nowMs);
  const lastMinuteInRange = Math.ceil(range.toMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  let headlineMs = Math.min(openMinuteMs - MINUTE_MS, lastMinuteInRange);
  if (headlineMs < range.fromMs) {
    headlineMs = openMinuteMs; // the range is the open minute alone
  }
  const headline = byTime.get(headlineMs) ?? { ssccu: 0, csccu: 0 };
  const headlineIsOpen = headlineMs === openMinuteMs;

  setMetric(element, 'ssccu', headline.ssccu, formatNumber(headline.ssccu));
  setMetric(element, 'csccu', headline.csccu, formatNumber(headline.csccu));
  setMetric(element, 'minute', new Date(headlineMs).toISOString(),
      `${minuteLabel(headlineMs)} UTC${headlineIsOpen ? ' so far (provisional)' : ''}`);
  const gap = gapOf(headline);
  setMetric(element, 'gap', gap === null ? '' : gap.toFixed(1), gap === null ? '–' : `${gap.toFixed(1)} %`);
  const missing = headline.ssccu - headline.csccu;
  $('[data-metric=gap-viewers]', element).textContent = missing >= 0
      ? viewers(missing) : `${formatNumber(-missing)} more on the player side`;

  const latestRxMs = Math.max(...minutes.map(minute => Date.parse(minute.last_rx_at)));
  const ago = $('[data-metric=received-ago]', element);
  if (minutes.length) {
    ago.dataset.since = latestRxMs;
    ago.dataset.template = '{duration}';
  } else {
    delete ago.dataset.since;
    ago.textContent = '–';
  }
  const delay = byTime.has(headlineMs) && !headlineIsOpen ? delayAfterMinute(byTime.get(headlineMs)) : null;
  $('[data-metric=minute-delay]', element).textContent = delay === null ? ''
      : `${minuteLabel(headlineMs)}'s last beacon arrived ${delayText(delay)}`;

  const open = !headlineIsOpen && byTime.get(openMinuteMs);
  $('[data-metric=open-minute]', element).textContent = open
      ? `${minuteLabel(openMinuteMs)} UTC so far (provisional, the minute is still open): `
        + `${formatNumber(open.ssccu)} server side · ${formatNumber(open.csccu)} player side`
      : '';
}

function viewers(count) {
  return `${formatNumber(count)} viewer${count === 1 ? '' : 's'}`;
}

function setMetric(element, name, value, text) {
  const target = $(`[data-metric="${name}"]`, element);
  target.dataset.value = value;
  target.textContent = text;
}

function gapOf(minute) {
  return minute.ssccu > 0 ? (minute.ssccu - minute.csccu) * 100 / minute.ssccu : null;
}

/** Seconds between the end of the minute and its last beacon's arrival; negative when on time. */
function delayAfterMinute(minute) {
  return (Date.parse(minute.last_rx_at) - Date.parse(minute.time) - MINUTE_MS) / 1000;
}

function delayText(seconds) {
  return seconds <= 0 ? 'before the minute ended' : `${durationText(seconds)} after the minute ended`;
}

// ---------------------------------------------------------------- the chart

function createChart(canvas, provisional) {
  const isProvisional = index => index === provisional.index;
  const line = (label, color) => ({
    label,
    data: [],
    borderColor: color,
    backgroundColor: color,
    borderWidth: 2.5,
    pointRadius: ctx => (isProvisional(ctx.dataIndex) ? 5 : ctx.chart.data.labels.length > 120 ? 0 : 2.5),
    pointBackgroundColor: ctx => (isProvisional(ctx.dataIndex) ? '#0f1419' : color),
    segment: { borderDash: ctx => (isProvisional(ctx.p1DataIndex) ? [6, 5] : undefined) },
  });
  const server = line('Server side (ssccu)', COLORS.ss);
  // The shaded band between the two lines is the gap: viewers not reporting from the player.
  const player = { ...line('Player side (csccu)', COLORS.cs), fill: { target: 0, above: 'transparent', below: COLORS.gap } };
  return new Chart(canvas, {
    type: 'line',
    data: { labels: [], datasets: [server, player] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: {
          grid: { color: COLORS.grid },
          ticks: {
            color: COLORS.text,
            maxRotation: 0,
            autoSkipPadding: 24,
            callback(value) {
              return tickLabel(this.getLabelForValue(value), this.chart.data.labels);
            },
          },
        },
        y: { beginAtZero: true, grid: { color: COLORS.grid }, ticks: { color: COLORS.text, precision: 0 } },
      },
      plugins: {
        legend: { labels: { color: '#e6edf3', boxHeight: 3, font: { size: 14 } } },
        tooltip: {
          callbacks: {
            title: items => `${items[0].label.slice(0, 16).replace('T', ' ')} UTC`
                + (isProvisional(items[0].dataIndex) ? ' (provisional: still open)' : ''),
          },
        },
      },
    },
    plugins: [provisionalBand(provisional)],
  });
}

/** Shades the open minute's column and names it: its counts still grow. */
function provisionalBand(provisional) {
  return {
    id: 'provisionalBand',
    beforeDatasetsDraw(chart) {
      if (provisional.index < 0) {
        return;
      }
      const { ctx, chartArea, scales } = chart;
      const x = scales.x.getPixelForValue(provisional.index);
      const half = Math.max(8, (scales.x.getPixelForValue(1) - scales.x.getPixelForValue(0)) / 2);
      ctx.save();
      ctx.fillStyle = COLORS.provisional;
      ctx.fillRect(x - half, chartArea.top, half * 2, chartArea.bottom - chartArea.top);
      ctx.fillStyle = COLORS.text;
      ctx.font = '12px system-ui, sans-serif';
      ctx.textAlign = 'right';
      ctx.fillText('provisional', x - half - 4, chartArea.top + 12);
      ctx.restore();
    },
  };
}

/** Every minute of the range is a point: the API leaves out minutes without viewers, those are 0. */
function renderChart(panel, minutes, range, nowMs) {
  const byTime = new Map(minutes.map(minute => [Date.parse(minute.time), minute]));
  const labels = [];
  const server = [];
  const player = [];
  for (let t = Math.ceil(range.fromMs / MINUTE_MS) * MINUTE_MS; t < range.toMs; t += MINUTE_MS) {
    const minute = byTime.get(t);
    labels.push(new Date(t).toISOString());
    server.push(minute ? minute.ssccu : 0);
    player.push(minute ? minute.csccu : 0);
  }
  const openLabel = new Date(minuteStart(nowMs)).toISOString();
  panel.provisional.index = labels.indexOf(openLabel);
  const canvas = panel.chart.canvas;
  canvas.dataset.provisionalMinute = panel.provisional.index < 0 ? '' : openLabel;
  panel.chart.data.labels = labels;
  panel.chart.data.datasets[0].data = server;
  panel.chart.data.datasets[1].data = player;
  panel.chart.update();
}

function tickLabel(isoTime, labels) {
  const spansDays = labels.length && labels[0].slice(0, 10) !== labels[labels.length - 1].slice(0, 10);
  return spansDays ? isoTime.slice(5, 16).replace('T', ' ') : isoTime.slice(11, 16);
}

// ---------------------------------------------------------------- the data table

function renderTable(element, minutes, nowMs) {
  $('[data-role=row-count]', element).textContent = `${minutes.length} minute${minutes.length === 1 ? '' : 's'}`;
  $('tbody', element).replaceChildren(...minutes.map(minute => {
    const open = Date.parse(minute.time) + MINUTE_MS > nowMs;
    const row = document.createElement('tr');
    Object.assign(row.dataset, {
      time: minute.time, ssccu: minute.ssccu, csccu: minute.csccu, provisional: String(open),
    });
    const gap = gapOf(minute);
    const delay = delayAfterMinute(minute);
    const cells = [
      minute.time.slice(0, 16).replace('T', ' ') + (open ? ' provisional' : ''),
      formatNumber(minute.ssccu),
      formatNumber(minute.csccu),
      gap === null ? '–' : `${gap.toFixed(1)} %`,
      minute.last_rx_at.slice(11, 23),
      open ? 'still open' : delay <= 0 ? 'on time' : `+${durationText(delay)}`,
    ];
    row.replaceChildren(...cells.map((text, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) {
        cell.scope = 'row';
      }
      cell.textContent = text;
      return cell;
    }));
    if (open) {
      row.className = 'provisional';
    }
    return row;
  }));
}

// ---------------------------------------------------------------- export

function exportShown(job, panel, format) {
  const { minutes, range } = panel;
  const columns = ['jobid', 'time', 'ssccu', 'csccu', 'last_rx_at'];
  const body = format === 'csv'
      ? [columns.join(','), ...minutes.map(minute => columns.map(c => minute[c]).join(','))].join('\r\n') + '\r\n'
      : `${JSON.stringify(minutes, null, 2)}\n`;
  const type = format === 'csv' ? 'text/csv' : 'application/json';
  saveFile(new Blob([body], { type }), `ccu-${job}-${fileStamp(range.fromMs)}Z-${fileStamp(range.toMs)}Z.${format}`);
}
