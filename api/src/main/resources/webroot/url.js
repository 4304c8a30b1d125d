// What is shown is the URL (view, jobid, accountid, filters, breakdown, in/out or last, refresh), so every view is a
// link. navigate() changes it in place and tells app.js, which shows the new view.
import { FILTERS } from './playback.js';
import { MINUTE_MS, minuteStart } from './time.js';

const DEFAULT_LAST_MINUTES = 60;
const PLAYBACK_DEFAULT_LAST_MINUTES = 1440; // hourly numbers: a day by default
const CDN_DEFAULT_LAST_MINUTES = 1440;
const QOE_DEFAULT_LAST_MINUTES = 60; // an event, live: per minute

let shown = () => {};

/** What navigate() calls once the URL changed: app.js's show. */
export function onNavigate(show) {
  shown = show;
}

export function currentView() {
  const params = new URLSearchParams(location.search);
  const playback = params.get('view') === 'playback';
  const cdn = params.get('view') === 'cdn';
  const qoe = params.get('view') === 'qoe';
  const ofAccount = playback || cdn || qoe;
  const text = name => (ofAccount ? params.get(name)?.trim() || null : null);
  return {
    playback,
    cdn,
    qoe,
    accountId: text('accountid'),
    contentId: text('contentid'),
    zone: cdn ? text('zone') : null,
    host: cdn ? text('host') : null,
    // the Experience view's filter and breakdown
    streamType: qoe ? text('stream_type') : null,
    dimension: qoe ? text('dimension') : null,
    metric: qoe ? text('metric') : null,
    // the Playback view's filters: only the playbacks with these dimensions' values
    filters: playback ? Object.fromEntries([...FILTERS.keys()].filter(name => params.get(name)?.trim())
        .map(name => [name, params.get(name).trim()])) : {},
    jobs: ofAccount ? [] : [...new Set(params.getAll('jobid').map(normaliseJob).filter(Boolean))],
    inSeconds: wholeNumber(params.get('in')),
    outSeconds: wholeNumber(params.get('out')),
    lastMinutes: wholeNumber(params.get('last')) || defaultLastMinutes(params.get('view')),
  };
}

function defaultLastMinutes(view) {
  return view === 'playback' ? PLAYBACK_DEFAULT_LAST_MINUTES : view === 'cdn' ? CDN_DEFAULT_LAST_MINUTES
      : view === 'qoe' ? QOE_DEFAULT_LAST_MINUTES : DEFAULT_LAST_MINUTES;
}

// The API accepts upper case and dashed UUIDs too; one spelling keeps one panel per job.
export function normaliseJob(job) {
  return job.trim().toLowerCase().replaceAll('-', '');
}

function wholeNumber(text) {
  return text !== null && /^\d+$/.test(text.trim()) ? Number(text) : null;
}

/** The range to ask for, read as the API reads in/out: without `out`, up to the open minute. */
export function resolveRange(view, nowMs) {
  const toMs = view.outSeconds !== null ? view.outSeconds * 1000 : minuteStart(nowMs) + MINUTE_MS;
  const fromMs = view.inSeconds !== null ? view.inSeconds * 1000 : toMs - view.lastMinutes * MINUTE_MS;
  return { fromMs, toMs };
}

export function navigate(change) {
  const params = new URLSearchParams(location.search);
  change(params);
  history.pushState(null, '', params.size ? `?${params}` : location.pathname);
  shown();
}

export function setRange(params, { last, fromMs, toMs }) {
  ['in', 'out', 'last'].forEach(name => params.delete(name));
  if (last) {
    if (last !== defaultLastMinutes(params.get('view'))) params.set('last', last);
  } else {
    params.set('in', Math.floor(fromMs / 1000));
    params.set('out', Math.ceil(toMs / 1000));
  }
}
