// Small helpers shared by the dashboard and the operator view: building elements without innerHTML, and numbers
// and durations formatted for people.

/** An element with attributes/properties and children (strings become text nodes, never HTML). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== "string") node[key] = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Sets the text of the element with this id (no-op when absent). */
export function text(id, value) {
  const node = document.getElementById(id);
  if (node) node.textContent = value;
}

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat("en");

/** 1234 → "1,234"; large numbers compact ("1.2M"). */
export function count(n) {
  if (n == null || Number.isNaN(n)) return "–";
  return Math.abs(n) >= 100000 ? compact.format(n) : whole.format(n);
}

/** Milliseconds for a person: "240 ms", "1.4 s", "–" for none. */
export function ms(v) {
  if (v == null) return "–";
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(v < 10000 ? 1 : 0)} s`;
}

/** Seconds as "3 d 4 h", "5 h 12 min", "7 min", "40 s". */
export function duration(s) {
  if (s == null) return "–";
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${Math.max(0, Math.floor(s))} s`;
}

/** Bytes as "512 B", "3.4 KB", "1.2 MB". */
export function bytes(n) {
  if (n == null) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** A CSS custom property of the page (the theme's colours, for charts). */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
