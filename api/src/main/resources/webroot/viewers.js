// Who is watching a job: its tracking ids (each also over all its account's jobs) and the viewer report,
// one row per session, downloaded as the API writes it (GET /tracking, GET /viewers).
import { apiGet, getJson } from './api.js';
import { $, formatNumber, saveFile } from './dom.js';
import { fileStamp, minuteText } from './time.js';

/**
 * Tracking ids are scoped by account: each breakdown row names its account, and the same tracking id
 * over all of that account's jobs (never another account's) comes from `tracking?accountid=A`. A map
 * from trackingKey to that row; an account whose list failed is left out (its cells show –).
 */
export async function trackingInTheirAccounts(trackingPerJob) {
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
export function renderTracking(element, result, inAccounts) {
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

/** The viewer report (one row per session) for the shown range, as the API writes it. */
export async function downloadViewerReport(job, panel, format) {
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
