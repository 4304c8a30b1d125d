// The query API as the dashboard asks it: the key (stored in this browser, or a share link's), one GET
// that turns every failure into an ApiFailure of a kind the state banner knows, and which failure matters most.

export const KEY_STORAGE = 'liveccu.apiKey';
const REQUEST_TIMEOUT_MS = 10_000;

class ApiFailure extends Error {
  /** @param kind need-key | wrong-key | forbidden | unreachable | error */
  constructor(kind, message) {
    super(message);
    this.kind = kind;
  }
}

/** A key in the URL is a share link the user opened: it wins over the stored one. */
export function apiKey() {
  return new URLSearchParams(location.search).get('secret') || localStorage.getItem(KEY_STORAGE) || null;
}

export async function getJson(path) {
  return (await apiGet(path)).json();
}

/** The API's answer when it is 2xx; an {@link ApiFailure} saying what went wrong otherwise. */
export async function apiGet(path) {
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

/** The failure that matters most among settled requests: a key or network problem hides everything else. */
export function firstFailure(results) {
  const failures = results.filter(r => r.status === 'rejected').map(r => r.reason);
  for (const kind of ['need-key', 'wrong-key', 'forbidden', 'unreachable', 'error']) {
    const failure = failures.find(f => f.kind === kind);
    if (failure) {
      return failure;
    }
  }
  return null;
}
