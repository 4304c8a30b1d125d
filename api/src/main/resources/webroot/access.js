// The API key and what it may do: the key form (the key stays in this browser), the key named in the
// header with its accounts and scopes, the viewer-report buttons it allows, and the accounts the Playback
// and CDN views offer.
import { KEY_STORAGE } from './api.js';
import { $ } from './dom.js';

export function showKeyForm() {
  const form = $('#key-form');
  if (form.hidden) {
    form.hidden = false;
    $('#key-input').value = '';
    $('#key-input').focus();
  }
}

/** @param keyChanged called once a key was typed in or forgotten */
export function wireKeyForm(keyChanged) {
  $('#key-button').addEventListener('click', showKeyForm);
  $('#key-cancel').addEventListener('click', () => { $('#key-form').hidden = true; });
  $('#key-forget').addEventListener('click', () => {
    localStorage.removeItem(KEY_STORAGE);
    $('#key-form').hidden = true;
    keyChanged();
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
    keyChanged();
  });
}

// ---------------------------------------------------------------- who the key is

/** What the key may do, from GET /access; null while unknown. */
let currentAccess = null;

/** Names the key, its accounts and scopes in the header; viewer reports need scope viewers. */
export function renderAccess(access) {
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
export function showReportAccess(actions) {
  const allowed = !currentAccess || currentAccess.scopes.includes('viewers');
  actions.querySelectorAll('[data-report]').forEach(button => { button.disabled = !allowed; });
  const note = $('[data-role=report-note]', actions);
  note.textContent = allowed ? '' : ` Needs a key with scope viewers (this key has: ${currentAccess.scopes.join(', ')}).`;
}

// ---------------------------------------------------------------- the accounts a view offers

/** The key's own accounts, then those with viewers recently (all of them for a key that reads every account). */
export function readableAccounts(access, accounts) {
  const own = access.status === 'fulfilled' ? access.value.accounts.filter(account => account !== '*') : [];
  const active = accounts.status === 'fulfilled' ? accounts.value.map(row => row.accountid) : [];
  return [...new Set([...own, ...active])];
}

/** @param form a view's account form: its input and the list it offers */
export function renderAccountChoices(form, choices, account) {
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
