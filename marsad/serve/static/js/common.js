// Shared helpers for the workbench pages. Article text is untrusted, so every
// string reaches the page through textContent or setAttribute, never innerHTML.

export const LANG = document.body.dataset.lang === "en" ? "en" : "ar";

let strings = null;

/** The UI strings of the page's language (i18n.json is fetched once). */
export async function loadStrings() {
  if (!strings) {
    const all = await getJSON("/static/i18n.json");
    strings = all[LANG];
  }
  return strings;
}

/** A UI string with {name} placeholders filled in. */
export function t(key, values = {}) {
  const template = (strings && strings[key]) || key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** A name from one of the i18n vocabularies (event_types, actors, weapons, field_names), else the code itself. */
export function label(vocabulary, code) {
  const table = (strings && strings[vocabulary]) || {};
  return table[code ?? ""] ?? code ?? "";
}

/** Build an element: attrs are set with setAttribute (on* names are refused), children appended as text or nodes. */
export function el(tag, attrs = {}, ...children) {
  const svg = ["svg", "g", "path", "circle", "rect", "text", "title", "line", "image"].includes(tag);
  const node = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`event handler attributes are not allowed: ${name}`);
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export class ApiError extends Error {}

async function failure(response) {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && body.detail) detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
  } catch (_) { /* not JSON: keep the status line */ }
  return new ApiError(detail);
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw await failure(response);
  return response.json();
}

export async function postJSON(url, body, token) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-Marsad-Token": token },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await failure(response);
  return response.json();
}

/** A query string from the non-empty entries of an object. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) search.set(key, value);
  }
  return search.toString();
}

/** A link to one of our own pages, keeping the language. */
export function pageURL(path) {
  return `${path}?lang=${LANG}`;
}

export function eventURL(id) {
  return pageURL(`/events/${encodeURIComponent(id)}`);
}

export function documentURL(docId) {
  return pageURL(`/documents/${encodeURIComponent(docId)}`);
}

// ACLED sub-event types in a fixed order, so a type keeps its colour class (ty-N) on every page.
export const EVENT_TYPES = [
  "Shelling/artillery/missile attack", "Air/drone strike", "Remote explosive/landmine/IED",
  "Armed clash", "Suicide bomb", "Grenade", "Disrupted weapons use",
];

export function typeClass(type) {
  const index = EVENT_TYPES.indexOf(type);
  return index < 0 ? "ty-none" : `ty-${index}`;
}

/** Write a message (or clear it) in a status line. */
export function setStatus(node, message, isError = false) {
  node.textContent = message || "";
  node.classList.toggle("error", Boolean(isError));
}

/** The place name in the page's language. */
export function placeName(location) {
  if (!location) return t("unknown");
  return (LANG === "ar" && location.name_ar) || location.name || location.id;
}

/** "launched 7 · killed 2 · injured 1" from an event record. */
export function countsText(event) {
  const parts = [];
  for (const key of ["launched", "intercepted", "impacted"]) {
    const value = event.munitions && event.munitions[key];
    if (value !== null && value !== undefined) parts.push(`${t(key)} ${value}`);
  }
  const killed = sumCasualties(event, "killed");
  const injured = sumCasualties(event, "injured");
  if (killed !== null) parts.push(`${t("killed")} ${killed}`);
  if (injured !== null) parts.push(`${t("injured")} ${injured}`);
  return parts.join(" · ");
}

export function sumCasualties(event, key) {
  let total = null;
  for (const row of event.casualties || []) {
    if (row[key] !== null && row[key] !== undefined) total = (total || 0) + row[key];
  }
  return total;
}

/** Distinct outlets of an event's reports, in report order. */
export function outlets(event) {
  return [...new Set((event.reports || []).map((r) => r.outlet).filter(Boolean))];
}

/** Point the language switch at the same page and query in the other language. */
export function keepQueryInLanguageSwitch() {
  const link = document.getElementById("lang-switch");
  if (!link) return;
  const params = new URLSearchParams(window.location.search);
  params.set("lang", LANG === "ar" ? "en" : "ar");
  link.setAttribute("href", `${window.location.pathname}?${params}${window.location.hash}`);
}

/** An outside link only when it is http(s): a javascript: URL from a feed must never become a link. */
export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (_) {
    return null;
  }
}
