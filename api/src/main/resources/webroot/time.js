// Times as the dashboard writes them: UTC minutes and clock times, durations, and the texts that say
// how long ago something happened (kept moving every second).

export const MINUTE_MS = 60_000;

export function minuteStart(ms) {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

export function minuteLabel(timeOrMs) {
  return new Date(timeOrMs).toISOString().slice(11, 16);
}

export function clockTime(ms) {
  return new Date(ms).toISOString().slice(11, 19);
}

export function minuteText(isoTime) {
  return isoTime.slice(0, 16).replace('T', ' ');
}

export function durationText(seconds) {
  if (seconds < 1) {
    return `${seconds.toFixed(1)} s`;
  }
  if (seconds < 120) {
    return `${Math.round(seconds)} s`;
  }
  return seconds < 7200 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds / 3600)} h`;
}

export function fileStamp(ms) {
  return new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, '');
}

/** Texts saying how long ago something happened move every second, between refreshes too. */
export function tickClocks() {
  const nowMs = Date.now();
  document.querySelectorAll('[data-since]').forEach(element => {
    const seconds = Math.max(0, (nowMs - Number(element.dataset.since)) / 1000);
    element.textContent = element.dataset.template.replace('{duration}', durationText(seconds));
  });
}
