// The live CCU dashboard: one page, no build step, served by the query API itself. This module routes
// between the views (ccu.js, playback.js, cdn.js, qoe.js), refreshes the one shown and says the page's state; the
// URL says what is shown (url.js), so every view is a link. The API key stays in localStorage; only a
// share link the user asked for carries it, as `secret` (access.js).
/* global Chart -- from the webjar's UMD script, loaded before this module */
import { showKeyForm, wireKeyForm } from './access.js';
import { apiKey } from './api.js';
import { COLORS, refreshCcu, syncPanels, wireJobList } from './ccu.js';
import { refreshCdn, wireCdn } from './cdn.js';
import { $ } from './dom.js';
import { FILTERS, refreshPlayback, wirePlayback } from './playback.js';
import { QOE_FILTERS, refreshQoe, wireQoe } from './qoe.js';
import { clockTime, tickClocks } from './time.js';
import { currentView, navigate, onNavigate, resolveRange, setRange } from './url.js';

const REFRESH_SECONDS = Math.max(1, Number(new URLSearchParams(location.search).get('refresh')) || 5);

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
  const stillCurrent = () => round === refreshRound;
  try {
    const state = await (view.playback ? refreshPlayback : view.cdn ? refreshCdn : view.qoe ? refreshQoe : refreshCcu)(
        view, nowMs, stillCurrent);
    if (state) {
      renderState(state, view, nowMs);
    }
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
      if (view.qoe) {
        return state.account
            ? `No experience data yet for account ${state.account} in this range${view.contentId || view.streamType
              ? ' with these filters' : ''}: no view has started or played (player events or CMCD reports). This page `
              + 'keeps watching and shows the numbers as soon as they arrive.'
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

// ---------------------------------------------------------------- moving between views

function wireNavigation() {
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
      // Between the CCU, Playback, CDN and Experience views: each has its own range and default, so the range starts afresh.
      if ((params.get('view') ?? '') !== (target.searchParams.get('view') ?? '')) {
        ['view', 'in', 'out', 'last'].forEach(name => params.delete(name));
        if (target.searchParams.has('view')) params.set('view', target.searchParams.get('view'));
      }
      // The content whose retention curve is shown, the Playback, CDN and Experience views' filters and the
      // breakdown picked: the link's, or none.
      ['contentid', 'zone', 'host', ...FILTERS.keys(), ...QOE_FILTERS.keys(), 'dimension', 'metric'].forEach(name => {
        if (target.searchParams.has(name)) {
          params.set(name, target.searchParams.get(name));
        } else {
          params.delete(name);
        }
      });
    });
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

// ---------------------------------------------------------------- start

function show() {
  const view = currentView();
  const ofAccount = view.playback || view.cdn || view.qoe;
  document.body.dataset.view = view.playback ? 'playback' : view.cdn ? 'cdn' : view.qoe ? 'qoe'
      : view.jobs.length ? 'job' : 'jobs';
  $('#jobs-view').hidden = ofAccount || view.jobs.length > 0;
  $('#job-view').hidden = ofAccount || view.jobs.length === 0;
  $('#playback-view').hidden = !view.playback;
  $('#cdn-view').hidden = !view.cdn;
  $('#qoe-view').hidden = !view.qoe;
  const viewLink = view.playback ? 'playback' : view.cdn ? 'cdn' : view.qoe ? 'qoe' : 'ccu';
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
wireKeyForm(refreshNow);
wireNavigation();
wireJobList();
wireRange();
wireShare();
wirePlayback();
wireCdn();
wireQoe();
onNavigate(show);
window.addEventListener('popstate', show);
setInterval(tickClocks, 1000);
show();
