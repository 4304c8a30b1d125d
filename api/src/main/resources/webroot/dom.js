// What the dashboard's modules share to draw: finding an element, writing a number, setting a total,
// saving a file.

export const $ = (selector, root = document) => root.querySelector(selector);
export const formatNumber = new Intl.NumberFormat('en').format;

/** A total tile's value (kept as data, for the page's tests) and the text shown. */
export function setTotal(view, name, value, text) {
  const target = $(`[data-total="${name}"]`, view);
  target.dataset.value = value;
  target.textContent = text;
}

export function saveFile(blob, name) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
