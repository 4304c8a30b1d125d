// The live CCU dashboard: one page, no build step, served by the query API itself.
// The URL says what is shown (jobid, in/out or last, refresh), so every view is a link. The API key
// stays in localStorage; only a share link the user asked for carries it, as `secret`.
/* global Chart -- from the webjar's UMD script, loaded before this module */
import { $, formatNumber } from './dom.js';
import { cdnRange, renderCdn } from './cdn.js';
import { FILTERS, playbackRange, renderFilters, renderPlayback, renderRetention } from './playback.js';

const MINUTE_MS = 60_000;
const KEY_STORAGE = 'liveccu.apiKey';
const DEFAULT_LAST_MINUTES = 60;
const PLAYBACK_DEFAULT_LAST_MINUTES = 1440; // hourly numbers: a day by default
const CDN_DEFAULT_LAST_MINUTES = 1440;
const REQUEST_TIMEOUT_MS = 10_000;
const REFRESH_SECONDS = Math.max(1, Number(new URLSearchParams(location.search).get('refresh')) || 5);
const COLORS = {
  ss: '#4ea8ff',
  cs: '#3ddc97',
  gap: 'rgba(245, 165, 36, 0.25)',
  provisional: 'rgba(230, 237, 243, 0.08)',
  grid: 'rgba(139, 152, 165, 0.14)',
  text: '#8b98a5',
};

// ---------------------------------------------------------------- what is shown: the URL

function currentView() {
  const params = new URLSearchParams(location.search);
  const playback = params.get('view') === 'playback';
  const cdn = params.get('view') === 'cdn';
  const ofAccount = playback || cdn;
  const text = name => (ofAccount ? params.get(name)?.trim() || null : null);
  return {
    playback,
    cdn,
    accountId: text('accountid'),
    contentId: text('contentid'),
    zone: cdn ? text('zone') : null,
    host: cdn ? text('host') : null,
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
  return view === 'playback' ? PLAYBACK_DEFAULT_LAST_MINUTES : view === 'cdn' ? CDN_DEFAULT_LAST_MINUTES : DEFAULT_LAST_MINUTES;
}

// The API accepts upper case and dashed UUIDs too; one spelling keeps one panel per job.
function normaliseJob(job) {
  return job.trim().toLowerCase().replaceAll('-', '');
}

function wholeNumber(text) {
  return text !== null && /^\d+$/.test(text.trim()) ? Number(text) : null;
}

/** The range to ask for, read as the API reads in/out: without `out`, up to the open minute. */
function resolveRange(view, nowMs) {
  const toMs = view.outSeconds !== null ? view.outSeconds * 1000 : minuteStart(nowMs) + MINUTE_MS;
  const fromMs = view.inSeconds !== null ? view.inSeconds * 1000 : toMs - view.lastMinutes * MINUTE_MS;
  return { fromMs, toMs };
}

function navigate(change) {
  const params = new URLSearchParams(location.search);
  change(params);
  history.pushState(null, '', params.size ? `?${params}` : location.pathname);
  show();
}

function setRange(params, { last, fromMs, toMs }) {
  ['in', 'out', 'last'].forEach(name => params.delete(name));
  if (last) {
    if (last !== defaultLastMinutes(params.get('view'))) params.set('last', last);
  } else {
    params.set('in', Math.floor(fromMs / 1000));
    params.set('out', Math.ceil(toMs / 1000));
  }
}

// ---------------------------------------------------------------- the API

class ApiFailure extends Error {
  /** @param kind need-key | wrong-key | forbidden | unreachable | error */
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

/** A key in the URL is a share link the user opened: it wins over the stored one. */
function apiKey() {
  return new URLSearchParams(location.search).get('secret') || localStorage.getItem(KEY_STORAGE) || null;
}

async function getJson(path) {
  return (await apiGet(path)).json();
}

/** The API's answer when it is 2xx; an {@link ApiFailure} saying what went wrong otherwise. */
async function apiGet(path) {
  const key = apiKey();
  let response;
  try {
    response = await fetch(path, {
      headers: key ? { 'x-api-key': key } : {},
      cache: 'no-store',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch {
    throw new ApiFailure('unreachable', 'no answer');
  }
  if (response.ok) {
    return response;
  }
  const reason = await response.json().then(body => body.error, () => response.statusText);
  if (response.status === 401) {
    throw new ApiFailure(key ? 'wrong-key' : 'need-key', reason);
  }
  // A valid key without the scope or the account (the reason names what is missing).
  if (response.status === 403) {
    throw new ApiFailure('forbidden', reason);
  }
  // What a proxy answers when the API behind it is down.
  if ([502, 503, 504].includes(response.status)) {
    throw new ApiFailure('unreachable', `answered ${response.status}`);
  }
  throw new ApiFailure('error', `The API answered ${response.status}: ${reason}`);
}

function ccuPath(job, range) {
  return `ccu?jobid=${encodeURIComponent(job)}&in=${Math.floor(range.fromMs / 1000)}&out=${Math.ceil(range.toMs / 1000)}`;
}

// ---------------------------------------------------------------- the refresh loop

let refreshTimer;
let refreshRound = 0;
let lastSuccessMs = null;
let unreachableSinceMs = null;

function refreshNow() {
  clearTimeout(refreshTimer);
  refresh();
}

async function refresh() {
  const round = ++refreshRound;
  const view = currentView();
  const nowMs = Date.now();
  try {
    if (view.playback) {
      await refreshPlayback(view, nowMs, () => round === refreshRound);
      return;
    }
    if (view.cdn) {
      await refreshCdn(view, nowMs, () => round === refreshRound);
      return;
    }
    const range = resolveRange(view, nowMs);
    const [access, jobs, ...rest] = await Promise.allSettled([getJson('access'), getJson('jobs'),
        ...view.jobs.map(job => getJson(ccuPath(job, range))),
        ...view.jobs.map(job => getJson(`tracking?jobid=${encodeURIComponent(job)}`))]);
    const perJob = rest.slice(0, view.jobs.length);
    const trackingPerJob = rest.slice(view.jobs.length);
    const inAccounts = await trackingInTheirAccounts(trackingPerJob);
    if (round !== refreshRound) {
      return; // the view changed meanwhile; a newer round draws it
    }
    renderAccess(access.status === 'fulfilled' ? access.value : null);
    if (jobs.status === 'fulfilled') {
      renderJobList(jobs.value, view, nowMs);
    }
    view.jobs.forEach((job, i) => renderPanel(panels.get(job), perJob[i], range, nowMs));
    view.jobs.forEach((job, i) => renderTracking(panels.get(job).element, trackingPerJob[i], inAccounts));
    renderState(overallState(view, jobs, perJob), view, nowMs);
  } catch (e) {
    // A page bug must not end live updates silently: say so, and keep trying.
    console.error('refresh failed', e);
    renderState({ kind: 'page-error', message: `This page failed to show the latest answer (${e.message}). `
        + `Retrying every ${REFRESH_SECONDS} s.` }, view, nowMs);
  } finally {
    if (round === refreshRound) {
      refreshTimer = setTimeout(refresh, REFRESH_SECONDS * 1000);
    }
  }
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

/** The failure that matters most among settled requests: a key or network problem hides everything else. */
function firstFailure(results) {
  const failures = results.filter(r => r.status === 'rejected').map(r => r.reason);
  for (const kind of ['need-key', 'wrong-key', 'forbidden', 'unreachable', 'error']) {
    const failure = failures.find(f => f.kind === kind);
    if (failure) {
      return failure;
    }
  }
  return null;
}

// ---------------------------------------------------------------- the Playback view

/**
 * An account's playback metrics over the range (only the playbacks the URL's filters keep): the hourly
 * totals, and the same split by content, by property, by device class and by source. The account is the URL's, else
 * the key's first (or, for a key that reads every account, the one with viewers most recently); the list
 * offers the others.
 */
async function refreshPlayback(view, nowMs, stillCurrent) {
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
    return; // the view changed meanwhile; a newer round draws it
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
  renderState(failure ?? { kind: results.length && results[0].value.length ? 'ok' : 'no-data', account }, view, nowMs);
}

/** The key's own accounts, then those with viewers recently (all of them for a key that reads every account). */
function readableAccounts(access, accounts) {
  const own = access.status === 'fulfilled' ? access.value.accounts.filter(account => account !== '*') : [];
  const active = accounts.status === 'fulfilled' ? accounts.value.map(row => row.accountid) : [];
  return [...new Set([...own, ...active])];
}

/** @param form a view's account form: its input and the list it offers */
function renderAccountChoices(form, choices, account) {
  const list = $('datalist', form);
  if (list.dataset.accounts !== choices.join()) {
    list.dataset.accounts = choices.join();
    list.replaceChildren(...choices.map(choice => new Option(choice, choice)));
  }
  const input = $('input', form);
  if (document.activeElement !== input) {
    input.value = account ?? '';
  }
}

function wirePlayback() {
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

// ---------------------------------------------------------------- the CDN view

/**
 * An account's CDN figures over the range (GET /cdn): per minute, hour or day by the range's length,
 * and the same split by PoP; the account is chosen as in the Playback view, the filters are the URL's.
 */
async function refreshCdn(view, nowMs, stillCurrent) {
  const [access, accounts] = await Promise.allSettled([getJson('access'), getJson('accounts')]);
  const choices = readableAccounts(access, accounts);
  const account = view.accountId ?? choices[0] ?? null;
  const range = cdnRange(resolveRange(view, nowMs), nowMs);
  let results = [];
  if (account) {
    const filterParams = [['zone', view.zone], ['host', view.host], ['contentid', view.contentId]]
        .filter(([, value]) => value).map(([name, value]) => `&${name}=${encodeURIComponent(value)}`).join('');
    const path = `cdn?accountid=${encodeURIComponent(account)}&from=${range.fromMs / 1000}&to=${range.toMs / 1000}`
        + `&interval=${range.interval}${filterParams}`;
    results = await Promise.allSettled([getJson(path), getJson(`${path}&group_by=pop`)]);
  }
  if (!stillCurrent()) {
    return; // the view changed meanwhile; a newer round draws it
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
  renderState(failure ?? { kind: results.length && results[0].value.length ? 'ok' : 'no-data', account }, view, nowMs);
}

function wireCdn() {
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

// ---------------------------------------------------------------- the state banner

function renderState(state, view, nowMs) {
  if (state.kind === 'unreachable') {
    unreachableSinceMs ??= nowMs;
  } else {
    unreachableSinceMs = null;
  }
  if (state.kind === 'ok' || state.kind === 'no-data') {
    lastSuccessMs = nowMs;
  }
  const banner = $('#state');
  banner.dataset.state = state.kind;
  $('#state-message').textContent = stateMessage(state, view);
  document.body.dataset.state = state.kind;
  if (state.kind === 'need-key' || state.kind === 'wrong-key') {
    showKeyForm();
  }
  const updated = $('#updated');
  if (lastSuccessMs) {
    updated.dataset.since = lastSuccessMs;
    updated.dataset.template = `updated {duration} ago · every ${REFRESH_SECONDS} s`;
  } else {
    updated.textContent = 'not updated yet';
  }
  tickClocks();
}

function stateMessage(state, view) {
  switch (state.kind) {
    case 'ok':
      return '';
    case 'no-data':
      if (view.cdn) {
        return state.account
            ? `No CDN data yet for account ${state.account} in this range${view.zone || view.host || view.contentId
              ? ' with these filters' : ''}: no CDN log line has been counted. This page keeps watching and shows the `
              + 'figures as soon as they arrive.'
            : 'No account to show yet: type an account id above (the list holds the accounts with viewers recently).';
      }
      if (view.playback) {
        return state.account
            ? `No playback data yet for account ${state.account} in this range${Object.keys(view.filters).length
                ? ' with these filters' : ''}: no player event, CMCD report or CDN log line has been `
              + 'counted. This page keeps watching and shows the numbers as soon as they arrive.'
            : 'No account to show yet: type an account id above (the list holds the accounts with viewers recently).';
      }
      return view.jobs.length
          ? 'No data yet: no beacon has been counted for this job in this time range. '
            + 'This page keeps watching and shows the counts as soon as beacons arrive.'
          : 'No data yet: no job has sent beacons recently. Point a beacon set or a player at the '
            + 'collector (see the README); jobs appear here by themselves.';
    case 'need-key':
      return 'This API needs a key. Enter it once: it stays in this browser.';
    case 'wrong-key':
      return `The API refused the ${new URLSearchParams(location.search).has('secret') ? 'key in this link' : 'stored key'}`
          + ` (${state.message}): enter the right one.`;
    case 'forbidden':
      return `This key may not show this view: ${state.message}. Ask the operator for a key with that scope or account.`;
    case 'unreachable':
      return `The API is unreachable since ${clockTime(unreachableSinceMs)} UTC (${state.message}). `
          + `Retrying every ${REFRESH_SECONDS} s; the numbers below are from `
          + (lastSuccessMs ? `${clockTime(lastSuccessMs)} UTC.` : 'nowhere yet.');
    default:
      return state.message;
  }
}

// ---------------------------------------------------------------- the API key

function showKeyForm() {
  const form = $('#key-form');
  if (form.hidden) {
    form.hidden = false;
    $('#key-input').value = '';
    $('#key-input').focus();
  }
}

function wireKeyForm() {
  $('#key-button').addEventListener('click', showKeyForm);
  $('#key-cancel').addEventListener('click', () => { $('#key-form').hidden = true; });
  $('#key-forget').addEventListener('click', () => {
    localStorage.removeItem(KEY_STORAGE);
    $('#key-form').hidden = true;
    refreshNow();
  });
  $('#key-form').addEventListener('submit', event => {
    event.preventDefault();
    localStorage.setItem(KEY_STORAGE, $('#key-input').value.trim());
    $('#key-form').hidden = true;
    // A key typed in replaces the one of a share link, and leaves the address bar.
    const params = new URLSearchParams(location.search);
    if (params.has('secret')) {
      params.delete('secret');
      history.replaceState(null, '', params.size ? `?${params}` : location.pathname);
    }
    refreshNow();
  });
}

// ---------------------------------------------------------------- who the key is

/** What the key may do, from GET /access; null while unknown. */
let currentAccess = null;

/** Names the key, its accounts and scopes in the header; viewer reports need scope viewers. */
function renderAccess(access) {
  currentAccess = access;
  const identity = $('#key-identity');
  identity.hidden = !access;
  if (!access) {
    return;
  }
  const accounts = access.accounts.includes('*') ? 'every account' : `account${access.accounts.length > 1 ? 's' : ''} `
      + access.accounts.join(', ');
  identity.textContent = access.key === 'open' ? 'open API (no key needed)'
      : `key ${access.label} · ${accounts} · ${access.scopes.join(', ')}`;
  document.querySelectorAll('.report-actions').forEach(showReportAccess);
}

/** Disables the viewer-report buttons, saying why, when the key lacks scope viewers. */
function showReportAccess(actions) {
  const allowed = !currentAccess || currentAccess.scopes.includes('viewers');
  actions.querySelectorAll('[data-report]').forEach(button => { button.disabled = !allowed; });
  const note = $('[data-role=report-note]', actions);
  note.textContent = allowed ? '' : ` Needs a key with scope viewers (this key has: ${currentAccess.scopes.join(', ')}).`;
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

function wireJobList() {
  // Links marked data-nav change the view in place: no reload, and the URL still says what is shown.
  document.addEventListener('click', event => {
    const link = event.target.closest('a[data-nav]');
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
      return; // new tabs and windows open the plain link
    }
    event.preventDefault();
    const target = new URL(link.href);
    navigate(params => {
      params.delete('jobid');
      target.searchParams.getAll('jobid').forEach(job => params.append('jobid', job));
      // Between the CCU, Playback and CDN views: each has its own range and default, so the range starts afresh.
      if ((params.get('view') ?? '') !== (target.searchParams.get('view') ?? '')) {
        ['view', 'in', 'out', 'last'].forEach(name => params.delete(name));
        if (target.searchParams.has('view')) params.set('view', target.searchParams.get('view'));
      }
      // The content whose retention curve is shown, and the Playback and CDN views' filters: the link's, or none.
      ['contentid', 'zone', 'host', ...FILTERS.keys()].forEach(name => {
        if (target.searchParams.has(name)) {
          params.set(name, target.searchParams.get(name));
        } else {
          params.delete(name);
        }
      });
    });
  });
  $('#open-job-form').addEventListener('submit', event => {
    event.preventDefault();
    navigate(params => params.set('jobid', normaliseJob($('#open-job-input').value)));
  });
  $('#add-job').addEventListener('change', event => {
    navigate(params => params.append('jobid', event.target.value));
  });
}

// ---------------------------------------------------------------- the range

function wireRange() {
  document.querySelectorAll('[data-last]').forEach(button => button.addEventListener('click',
      () => navigate(params => setRange(params, { last: Number(button.dataset.last) }))));
  $('#range-form').addEventListener('submit', event => {
    event.preventDefault();
    const fromMs = Date.parse(`${$('#range-from').value}Z`);
    const toMs = Date.parse(`${$('#range-to').value}Z`);
    navigate(params => setRange(params, { fromMs, toMs }));
  });
}

function showRange(view) {
  const relative = view.inSeconds === null && view.outSeconds === null;
  document.querySelectorAll('[data-last]').forEach(button => button.setAttribute('aria-pressed',
      String(relative && Number(button.dataset.last) === view.lastMinutes)));
  const range = resolveRange(view, Date.now());
  $('#range-from').value = new Date(range.fromMs).toISOString().slice(0, 16);
  $('#range-to').value = new Date(range.toMs).toISOString().slice(0, 16);
}

// ---------------------------------------------------------------- a job's panel

const panels = new Map(); // jobid -> { element, chart, provisional, minutes, range }

function syncPanels(jobs) {
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

// ---------------------------------------------------------------- tracking ids and viewer reports

/**
 * Tracking ids are scoped by account: each breakdown row names its account, and the same tracking id
 * over all of that account's jobs (never another account's) comes from `tracking?accountid=A`. A map
 * from trackingKey to that row; an account whose list failed is left out (its cells show –).
 */
async function trackingInTheirAccounts(trackingPerJob) {
  const accounts = [...new Set(trackingPerJob.filter(r => r.status === 'fulfilled')
      .flatMap(r => r.value.map(row => row.accountid)))];
  const lists = await Promise.allSettled(accounts.map(account => getJson(`tracking?accountid=${encodeURIComponent(account)}`)));
  const byTracking = new Map();
  lists.filter(r => r.status === 'fulfilled').forEach(r => r.value.forEach(row => byTracking.set(trackingKey(row), row)));
  return byTracking;
}

function trackingKey(row) {
  return JSON.stringify([row.accountid, row.trackingid]);
}

/** Each tracking id's latest minute in this job, and in all its account's jobs: who is watching, grouped as the tokens say. */
function renderTracking(element, result, inAccounts) {
  if (result.status === 'rejected') {
    return; // the banner says why; the last table stays
  }
  const rows = result.value;
  $('[data-role=tracking-empty]', element).hidden = rows.length > 0;
  $('[data-role=tracking-count]', element).textContent = `${rows.length} tracking id${rows.length === 1 ? '' : 's'}`;
  $('[data-role=tracking] tbody', element).replaceChildren(...rows.map(row => {
    const tr = document.createElement('tr');
    Object.assign(tr.dataset, { accountid: row.accountid, trackingid: row.trackingid, ssccu: row.ssccu, csccu: row.csccu });
    const account = inAccounts.get(trackingKey(row));
    if (account) {
      Object.assign(tr.dataset, { accountSsccu: account.ssccu, accountCsccu: account.csccu });
    }
    const name = document.createElement('th');
    name.scope = 'row';
    name.textContent = row.trackingid;
    const cells = [row.accountid, minuteText(row.time), formatNumber(row.ssccu), formatNumber(row.csccu),
      account ? `${formatNumber(account.ssccu)} / ${formatNumber(account.csccu)}` : '–']
        .map(text => Object.assign(document.createElement('td'), { textContent: text }));
    if (account) {
      cells[cells.length - 1].title = `latest minute ${minuteText(account.time)} UTC`;
    }
    tr.replaceChildren(name, ...cells);
    return tr;
  }));
}

function minuteText(isoTime) {
  return isoTime.slice(0, 16).replace('T', ' ');
}

/** The viewer report (one row per session) for the shown range, as the API writes it. */
async function downloadViewerReport(job, panel, format) {
  const { range } = panel;
  const note = $('.report-actions [data-role=report-note]', panel.element);
  try {
    const response = await apiGet(`viewers?jobid=${encodeURIComponent(job)}&in=${Math.floor(range.fromMs / 1000)}`
        + `&out=${Math.ceil(range.toMs / 1000)}&format=${format}`);
    note.textContent = '';
    saveFile(await response.blob(), `viewers-${job}-${fileStamp(range.fromMs)}Z-${fileStamp(range.toMs)}Z.${format}`);
  } catch (e) {
    note.textContent = ` Not downloaded: ${e.message}.`;
  }
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

function fileStamp(ms) {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '');
}

function saveFile(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

// ---------------------------------------------------------------- share link

function wireShare() {
  const dialog = $('#share-dialog');
  const update = () => {
    const params = new URLSearchParams(location.search);
    params.delete('secret');
    if ($('#share-with-key').checked && apiKey()) {
      params.set('secret', apiKey());
    }
    $('#share-url').value = `${location.origin}${location.pathname}${params.size ? `?${params}` : ''}`;
  };
  $('#share-button').addEventListener('click', () => {
    update();
    dialog.showModal();
    $('#share-url').select();
  });
  $('#share-with-key').addEventListener('change', update);
  $('#share-copy').addEventListener('click', async () => {
    $('#share-url').select();
    try {
      await navigator.clipboard.writeText($('#share-url').value);
      $('#share-copy').textContent = 'Copied';
    } catch {
      $('#share-copy').textContent = 'Press Ctrl+C';
    }
    setTimeout(() => { $('#share-copy').textContent = 'Copy'; }, 2000);
  });
}

// ---------------------------------------------------------------- time

function minuteStart(ms) {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

function minuteLabel(timeOrMs) {
  return new Date(timeOrMs).toISOString().slice(11, 16);
}

function clockTime(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

function durationText(seconds) {
  if (seconds < 1) {
    return `${seconds.toFixed(1)} s`;
  }
  if (seconds < 120) {
    return `${Math.round(seconds)} s`;
  }
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}

/** Texts saying how long ago something happened move every second, between refreshes too. */
function tickClocks() {
  const nowMs = Date.now();
  document.querySelectorAll('[data-since]').forEach(element => {
    const seconds = Math.max(0, (nowMs - Number(element.dataset.since)) / 1000);
    element.textContent = element.dataset.template.replace('{duration}', durationText(seconds));
  });
}

// ---------------------------------------------------------------- start

function show() {
  const view = currentView();
  const ofAccount = view.playback || view.cdn;
  document.body.dataset.view = view.playback ? 'playback' : view.cdn ? 'cdn' : view.jobs.length ? 'job' : 'jobs';
  $('#jobs-view').hidden = ofAccount || view.jobs.length > 0;
  $('#job-view').hidden = ofAccount || view.jobs.length === 0;
  $('#playback-view').hidden = !view.playback;
  $('#cdn-view').hidden = !view.cdn;
  const viewLink = view.playback ? 'playback' : view.cdn ? 'cdn' : 'ccu';
  document.querySelectorAll('[data-view-link]').forEach(link => {
    if (link.dataset.viewLink === viewLink) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  });
  syncPanels(view.jobs);
  showRange(view);
  refreshNow();
}

Chart.defaults.color = COLORS.text;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
wireKeyForm();
wireJobList();
wireRange();
wireShare();
wirePlayback();
wireCdn();
window.addEventListener('popstate', show);
setInterval(tickClocks, 1000);
show();
