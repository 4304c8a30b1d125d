// What the views that draw figures over time share (cdn.js, qoe.js): the interval for a range's length,
// one point per interval, and the charts' options (time axis, tooltips, the page's colours).

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const STEP_MS = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS };
// As the API chooses without `interval` (/cdn, /qoe): minutes up to 6 hours, hours up to a week, days beyond.
// Minutes only for a range starting within the last day: the API keeps them for 25 hours, this leaves an
// hour for a clock that is off.
const MINUTES_UP_TO_MS = 6 * HOUR_MS;
const HOURS_UP_TO_MS = 7 * DAY_MS;
export const CHART_COLORS = { grid: 'rgba(139, 152, 165, 0.14)', text: '#8b98a5' };

/** The interval for the range's length, and the range widened to whole intervals, epoch ms. */
export function intervalRange(range, nowMs) {
  const length = range.toMs - range.fromMs;
  const interval = length <= MINUTES_UP_TO_MS && range.fromMs >= nowMs - DAY_MS ? 'minute'
      : length <= HOURS_UP_TO_MS ? 'hour' : 'day';
  const stepMs = STEP_MS[interval];
  return {
    interval, stepMs,
    fromMs: Math.floor(range.fromMs / stepMs) * stepMs,
    toMs: Math.ceil(range.toMs / stepMs) * stepMs,
  };
}

/** One point per interval of the range: a row's figure, else {@code absent} (0: nothing was counted). */
export function points(rows, range) {
  const byTime = new Map(rows.map(row => [Date.parse(row.time), row]));
  const times = [];
  for (let t = range.fromMs; t < range.toMs; t += range.stepMs) {
    times.push(t);
  }
  return {
    labels: times.map(t => new Date(t).toISOString()),
    of: (figure, absent = 0) => times.map(t => (byTime.has(t) ? figure(byTime.get(t)) : absent)),
  };
}

export function chartOptions(yScales, formatValue, stacked = false) {
  return {
    animation: false,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    scales: {
      x: {
        stacked,
        grid: { color: CHART_COLORS.grid },
        ticks: {
          color: CHART_COLORS.text, maxRotation: 0, autoSkipPadding: 24,
          callback(value) {
            return timeLabel(this.getLabelForValue(value), this.chart.data.labels);
          },
        },
      },
      ...yScales,
    },
    plugins: {
      legend: { labels: { color: '#e6edf3', font: { size: 14 } } },
      tooltip: {
        callbacks: {
          title: items => `${items[0].label.slice(0, 16).replace('T', ' ')} UTC`,
          label: item => `${item.dataset.label}: ${formatValue(item.dataset.label, item.raw)}`,
        },
      },
    },
  };
}

/** A day's points are named by their date, shorter intervals by their time (and date, over several days). */
function timeLabel(isoTime, labels) {
  const days = labels.length > 1 && Date.parse(labels[1]) - Date.parse(labels[0]) >= DAY_MS;
  if (days) {
    return isoTime.slice(0, 10);
  }
  const spansDays = labels.length && labels[0].slice(0, 10) !== labels[labels.length - 1].slice(0, 10);
  return spansDays ? isoTime.slice(5, 16).replace('T', ' ') : isoTime.slice(11, 16);
}
