// The dashboard: filters (kept in the page's query string), map, weekly timeline and event table.
import {
  LANG, el, t, label, loadStrings, getJSON, query, eventURL, typeClass, setStatus, placeName, countsText,
  outlets, keepQueryInLanguageSwitch, EVENT_TYPES,
} from "./common.js";
import { EventMap } from "./map.js";
import { Timeline } from "./timeline.js";

const FILTERS = ["date_from", "date_to", "type", "actor", "admin1", "weapon", "review", "q", "changed_since"];
const LAST_VISIT_KEY = "marsad-last-visit";  // localStorage: when this browser last opened the dashboard
const SINCE_KEY = "marsad-since";  // sessionStorage: the visit before this session, kept across reloads
const PAGE = 50;
const MAP_LIMIT = 500;  // the API's largest page: the map shows up to this many matching events

const form = document.getElementById("filters");
const status = document.getElementById("status");
let map = null;
let timeline = null;

/** The filters and page offset from the page's query string, so links and reloads keep them. */
function stateFromURL() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of FILTERS) filters[name] = params.get(name) || "";
  return { filters, offset: Math.max(0, parseInt(params.get("offset") || "0", 10) || 0) };
}

function filtersFromForm() {
  const data = new FormData(form);
  return Object.fromEntries(FILTERS.map((name) => [name, String(data.get(name) || "").trim()]));
}

/** Make this the page's state: the query string first, then the data. */
function go(filters, offset = 0) {
  const qs = query({ lang: LANG, ...filters, offset: offset || "" });
  history.replaceState(null, "", `${window.location.pathname}?${qs}`);
  keepQueryInLanguageSwitch();
  return refresh();
}

function fillSelect(select, values, vocabulary, chosen) {
  for (const value of values) select.append(el("option", { value }, vocabulary ? label(vocabulary, value) : value));
  // A value from the URL that the list does not know is kept, so a shared link still filters.
  if (chosen && !values.includes(chosen)) select.append(el("option", { value: chosen }, chosen));
  select.value = chosen;
}

async function fillChoices(filters, strings) {
  const [actors, admin1s] = await Promise.all([
    getJSON("/api/stats?by=month&group=actor"),
    getJSON("/api/stats?by=month&group=admin1"),
  ]);
  const keys = (stats) => [...new Set(stats.series.flatMap((s) => Object.keys(s.counts)))].filter(Boolean).sort();
  fillSelect(form.elements.type, EVENT_TYPES, "event_types", filters.type);
  fillSelect(form.elements.actor, keys(actors), "actors", filters.actor);
  fillSelect(form.elements.admin1, keys(admin1s), null, filters.admin1);
  fillSelect(form.elements.weapon, Object.keys(strings.weapons || {}), "weapons", filters.weapon);
  for (const name of ["date_from", "date_to", "review", "q", "changed_since"]) form.elements[name].value = filters[name];
}

/** The last visit before this session (empty on a first visit); this visit becomes the next one's. */
function lastVisit() {
  let since = sessionStorage.getItem(SINCE_KEY);
  if (since === null) {
    since = localStorage.getItem(LAST_VISIT_KEY) || "";
    sessionStorage.setItem(SINCE_KEY, since);
  }
  localStorage.setItem(LAST_VISIT_KEY, new Date().toISOString());
  return since;
}

/** "New and changed since <time>": a toggle that sets the changed_since filter. */
function wireSince(filters) {
  const since = filters.changed_since || lastVisit();
  if (!since) return;
  const shown = new Date(since).toLocaleString(LANG === "ar" ? "ar-u-nu-latn" : "en", { dateStyle: "medium", timeStyle: "short" });
  document.getElementById("since-text").textContent = t("since_visit", { time: shown });
  document.getElementById("since-label").hidden = false;
  const toggle = document.getElementById("since-toggle");
  toggle.checked = Boolean(filters.changed_since);
  toggle.addEventListener("change", () => {
    form.elements.changed_since.value = toggle.checked ? since : "";
    go(filtersFromForm());
  });
  form.addEventListener("reset", () => { form.elements.changed_since.value = ""; });
}

function renderTable(page) {
  const body = document.querySelector("#events tbody");
  body.replaceChildren();
  document.getElementById("total").textContent = `(${page.total})`;
  if (!page.events.length) {
    body.append(el("tr", { class: "empty" }, el("td", { colspan: 6 }, t("no_events"))));
  }
  for (const event of page.events) {
    const link = el("a", { href: eventURL(event.id) }, event.date || "?");
    const row = el("tr", { "data-event-id": event.id, class: event.review && event.review.rejected ? "rejected" : null },
      el("td", { class: "nowrap" }, link, event.date_precision && event.date_precision !== "day" ? el("span", { class: "muted" }, ` (${label("precision_values", event.date_precision)})`) : null,
        event.new === undefined ? null : el("span", { class: event.new ? "badge new" : "badge" }, t(event.new ? "new_badge" : "changed_badge"))),
      el("td", {}, el("span", { class: `dot ${typeClass(event.sub_event_type)}` }), " ", label("event_types", event.sub_event_type || "")),
      el("td", {}, el("bdi", {}, placeName(event.location)), event.location && event.location.admin1 ? el("span", { class: "muted" }, " · ", el("bdi", {}, event.location.admin1)) : null),
      el("td", {}, label("actors", event.attacker || "unknown"), " ", el("span", { class: "arrow" }, LANG === "ar" ? "←" : "→"), " ", label("actors", event.target_actor || "unknown")),
      el("td", {}, countsText(event)),
      el("td", {}, outlets(event).flatMap((o, i) => [i ? (LANG === "ar" ? "، " : ", ") : "", el("bdi", {}, o)])));
    row.addEventListener("click", (e) => { if (e.target.tagName !== "A") window.location.href = eventURL(event.id); });
    body.append(row);
  }
  const from = page.total ? page.offset + 1 : 0;
  const to = page.offset + page.events.length;
  document.getElementById("range").textContent = t("range", { from, to, total: page.total });
  document.getElementById("prev").disabled = page.offset <= 0;
  document.getElementById("next").disabled = to >= page.total;
}

function renderLegend(types) {
  const legend = document.getElementById("legend");
  legend.replaceChildren(...types.map((type) => el("li", {}, el("span", { class: `dot ${typeClass(type)}` }), " ", label("event_types", type))));
}

/** The newest alerts, each a link to its event; they do not follow the filters. */
function renderAlerts(alerts) {
  const list = document.getElementById("alerts");
  if (!alerts.length) {
    list.replaceChildren(el("li", { class: "muted" }, t("no_alerts")));
    return;
  }
  list.replaceChildren(...alerts.map((alert) => el("li", { "data-alert-id": alert.id },
    el("span", { class: "muted nowrap" }, alert.at.replace("T", " ").slice(0, 16)), " ",
    el("code", {}, alert.rule), " ",
    el("a", { href: eventURL(alert.event_id) }, el("bdi", {}, alert.summary || alert.event_id)))));
}

let generation = 0;

async function refresh() {
  const { filters, offset } = stateFromURL();
  const mine = ++generation;  // an older, slower answer must not overwrite a newer one
  document.body.dataset.loading = "1";
  setStatus(status, t("loading"));
  document.getElementById("export").setAttribute("href", `/api/export?${query({ format: "csv", ...filters })}`);
  document.getElementById("feed").setAttribute("href", `/feed.atom?${query({ lang: LANG, ...filters })}`);
  try {
    const [page, all, stats] = await Promise.all([
      getJSON(`/api/events?${query({ ...filters, limit: PAGE, offset })}`),
      getJSON(`/api/events?${query({ ...filters, limit: MAP_LIMIT, offset: 0 })}`),
      getJSON(`/api/stats?${query({ by: "week", group: "type", ...filters })}`),
    ]);
    if (mine !== generation) return;
    renderTable(page);
    map.setEvents(all.events);
    renderLegend(timeline.draw(stats.series));
    document.getElementById("clear-dates").hidden = !filters.date_from && !filters.date_to;
    setStatus(status, "");
  } catch (error) {
    if (mine === generation) setStatus(status, t("error", { detail: error.message }), true);
  } finally {
    if (mine === generation) delete document.body.dataset.loading;
  }
}

/** Dates picked on the timeline (a dragged range or a clicked week) filter like the form does. */
function setDates(from, to) {
  form.elements.date_from.value = from;
  form.elements.date_to.value = to;
  go({ ...stateFromURL().filters, date_from: from, date_to: to });
}

async function main() {
  const strings = await loadStrings();
  keepQueryInLanguageSwitch();
  map = new EventMap(document.getElementById("map"), {
    onSelect: (event) => { window.location.href = eventURL(event.id); },
    legend: document.getElementById("map-legend"),
  });
  document.getElementById("zoom-in").addEventListener("click", () => map.zoom(1.5));
  document.getElementById("zoom-out").addEventListener("click", () => map.zoom(1 / 1.5));
  document.getElementById("zoom-reset").addEventListener("click", () => map.reset());
  timeline = new Timeline(document.getElementById("timeline"), { onRange: setDates });
  document.getElementById("clear-dates").addEventListener("click", () => setDates("", ""));
  form.addEventListener("submit", (e) => { e.preventDefault(); go(filtersFromForm()); });
  form.addEventListener("reset", () => { setTimeout(() => go(filtersFromForm()), 0); });  // after the inputs are cleared
  document.getElementById("prev").addEventListener("click", () => { const s = stateFromURL(); go(s.filters, Math.max(0, s.offset - PAGE)); });
  document.getElementById("next").addEventListener("click", () => { const s = stateFromURL(); go(s.filters, s.offset + PAGE); });
  try {
    await Promise.all([map.drawBasemap(), fillChoices(stateFromURL().filters, strings)]);
    wireSince(stateFromURL().filters);
  } catch (error) {
    setStatus(status, t("error", { detail: error.message }), true);
  }
  await Promise.all([refresh(), getJSON("/api/alerts?limit=20").then((answer) => renderAlerts(answer.alerts))
    .catch((error) => setStatus(status, t("error", { detail: error.message }), true))]);
  document.body.dataset.ready = "1";
}

main();
