// The review queue: the events no analyst has checked yet, least certain first, one at a time,
// with one-key actions (c confirm, r reject, e correct, m merge, s split, j/k move, ? help).
import {
  LANG, el, t, label, loadStrings, getJSON, postJSON, query, eventURL, setStatus, placeName, outlets,
  keepQueryInLanguageSwitch,
} from "./common.js";
import { renderFields, renderReports } from "./eventview.js";
import { fillFieldSelect, parseValue, savedCredentials, saveCredentials } from "./writes.js";

const BATCH = 100;  // events fetched per queue read; the count of the rest comes with them
const FORMS = ["reject-form", "correct-form", "merge-form", "split-form"];
const $ = (id) => document.getElementById(id);
const card = $("card");
const status = $("status");
const actionStatus = $("action-status");

let queue = [];
let remaining = 0;
let position = 0;
let current = null;
let generation = 0;
let credentials = savedCredentials();

/** The page's own filters (/review?country=SY reviews only Syria), passed on to the queue. */
function filters() {
  const params = Object.fromEntries(new URLSearchParams(window.location.search));
  delete params.lang;
  return params;
}

/** The reviewer's local midnight: "checked today" means today where they sit. */
function dayStart() {
  const midnight = new Date();
  midnight.setHours(0, 0, 0, 0);
  return midnight.toISOString();
}

async function loadQueue() {
  const answer = await getJSON(`/api/review/queue?${query({ ...filters(), limit: BATCH, since: dayStart() })}`);
  queue = answer.events;
  remaining = answer.remaining;
  const total = answer.checked_today + answer.remaining;
  const progress = $("progress");
  progress.dataset.checked = answer.checked_today;
  progress.dataset.total = total;
  progress.textContent = t("review_progress", { n: answer.checked_today, total });
}

function closeForms() {
  for (const id of FORMS) $(id).hidden = true;
}

/** Show the queue's event at ``index`` (kept inside the queue) with its fields and marked texts. */
async function show(index) {
  const mine = ++generation;  // a slower answer for an event left behind must not draw over the next
  closeForms();
  document.body.dataset.loading = "1";
  position = Math.max(0, Math.min(index, queue.length - 1));
  card.hidden = !queue.length;
  $("empty").hidden = Boolean(queue.length);
  try {
    if (!queue.length) {
      current = null;
      $("position").textContent = "";
      return;
    }
    const event = await getJSON(`/api/events/${encodeURIComponent(queue[position].id)}`);
    if (mine !== generation) return;
    current = event;
    card.dataset.eventId = event.id;
    $("card-title").replaceChildren(
      el("span", { class: "confidence" }, `${Math.round((event.confidence ?? 0) * 100)} %`), " ",
      `${label("event_types", event.sub_event_type || "")} · `, el("bdi", {}, event.date || "?"), " · ",
      el("bdi", {}, placeName(event.location)));
    const link = $("card-link");
    link.setAttribute("href", eventURL(event.id));
    link.replaceChildren(el("bdi", { class: "id" }, event.id));
    $("position").textContent = t("queue_position", { index: position + 1, count: remaining });
    renderFields(document.querySelector("#fields tbody"), event, $("reports"));
    await renderReports($("reports"), event);
    if (mine === generation) setStatus(status, "");
  } catch (error) {
    if (mine === generation) setStatus(status, t("error", { detail: error.message }), true);
  } finally {
    if (mine === generation) {
      document.body.dataset.ready = "1";
      delete document.body.dataset.loading;
    }
  }
}

function askCredentials(message) {
  const form = $("credentials");
  form.hidden = false;
  $("token").value = credentials.token;
  $("who").value = credentials.who;
  (credentials.token ? $("who") : $("token")).focus();
  if (message) setStatus(actionStatus, message, true);
}

/** Send one action, then read the queue again and show the event now at the same place. */
async function act(path, body) {
  if (!credentials.token || !credentials.who) {
    askCredentials(t(credentials.token ? "need_who" : "need_token"));
    return;
  }
  const acted = current && current.id;
  document.body.dataset.loading = "1";
  try {
    await postJSON(path, { who: credentials.who, ...body }, credentials.token);
    setStatus(actionStatus, t("done"));
    await loadQueue();
    const kept = queue.findIndex((e) => e.id === acted);  // a merge keeps the event in the queue
    await show(kept >= 0 ? kept : position);
  } catch (error) {
    const message = t("failed", { detail: error.message });
    if (/token/i.test(error.message)) askCredentials(message);  // a wrong or missing token: ask again
    else setStatus(actionStatus, message, true);
    delete document.body.dataset.loading;
  }
}

const eventPath = (suffix) => `/api/events/${encodeURIComponent(current.id)}/${suffix}`;

function open(id, focus) {
  closeForms();
  $(id).hidden = false;
  focus.focus();
}

async function openMerge() {
  const list = $("merge-candidates");
  list.replaceChildren();
  open("merge-form", $("merge-form").querySelector("button"));
  const { events } = await getJSON(eventPath("neighbours"));
  if (!events.length) {
    list.append(el("li", { class: "muted" }, t("no_neighbours")));
    return;
  }
  list.replaceChildren(...events.map((e, i) => el("li", {},
    el("label", {}, el("input", { type: "radio", name: "other", value: e.id, checked: i === 0 }), " ",
      el("kbd", {}, String(i + 1)), ` ${label("event_types", e.sub_event_type || "")} · ${e.date || "?"} · `,
      el("bdi", {}, outlets(e).join(LANG === "ar" ? "، " : ", ")), " ", el("bdi", { class: "id" }, e.id)))));
  list.querySelector("input").focus();
}

function openSplit() {
  const select = $("split-report");
  select.replaceChildren(...(current.reports || []).map((r) => el("option", { value: r.report_id }, `${r.report_id} (${r.outlet || "?"})`)));
  open("split-form", select);
}

function toggleHelp() {
  $("help").hidden = !$("help").hidden;
}

// One handler per key; in RTL the left arrow moves forward, as the text reads.
const KEYS = {
  c: () => act(eventPath("confirm"), { why: t("confirm_why") }),
  r: () => open("reject-form", $("reject-why")),
  e: () => { fillFieldSelect($("correct-field")); open("correct-form", $("correct-field")); },
  m: () => openMerge(),
  s: () => openSplit(),
  j: () => show(position + 1),
  k: () => show(position - 1),
  "?": toggleHelp,
};
const ALIASES = { ArrowDown: "j", ArrowUp: "k", ArrowLeft: LANG === "ar" ? "j" : "k", ArrowRight: LANG === "ar" ? "k" : "j" };

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "Escape") {
    closeForms();
    $("help").hidden = true;
    document.activeElement.blur();
    return;
  }
  const mergeForm = e.target.closest && e.target.closest("#merge-form");
  if (mergeForm && /^[1-5]$/.test(e.key)) {
    const radio = mergeForm.querySelectorAll("input[type=radio]")[Number(e.key) - 1];
    if (radio) { radio.checked = true; radio.focus(); }
    e.preventDefault();
    return;
  }
  if (e.key === "Enter" && e.target.closest && e.target.closest("#merge-form input, #split-form select")) {
    e.preventDefault();
    e.target.form.requestSubmit();
    return;
  }
  if (e.target.closest && e.target.closest("input, select, textarea, [contenteditable]")) return;
  const key = ALIASES[e.key] || e.key;
  if (!KEYS[key] || (!current && key !== "?")) return;
  e.preventDefault();
  KEYS[key]();
}

function wire() {
  document.addEventListener("keydown", onKey);
  for (const button of document.querySelectorAll(".queue-actions button[data-key]")) {
    button.addEventListener("click", () => { if (current) KEYS[button.dataset.key](); });
  }
  $("help-button").addEventListener("click", toggleHelp);
  $("credentials").addEventListener("submit", (e) => {
    e.preventDefault();
    credentials = { token: $("token").value.trim(), who: $("who").value.trim() };
    saveCredentials(credentials.token, credentials.who);
    $("credentials").hidden = true;
    setStatus(actionStatus, "");
    document.activeElement.blur();
  });
  $("reject-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const why = $("reject-why").value.trim();
    $("reject-why").value = "";
    act(eventPath("reject"), { why });
  });
  $("correct-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const field = $("correct-field").value;
    const value = parseValue(field, $("correct-value").value);
    $("correct-value").value = "";
    act(eventPath("correct"), { field, value, why: t("correct_why") });
  });
  $("merge-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = $("merge-form").querySelector("input[name=other]:checked");
    if (chosen) act("/api/events/merge", { event_ids: [current.id, chosen.value], why: t("merge_why") });
  });
  $("split-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act(eventPath("split"), { report_id: $("split-report").value, why: t("split_why") });
  });
}

async function main() {
  await loadStrings();
  keepQueryInLanguageSwitch();
  wire();
  if (!credentials.token || !credentials.who) askCredentials();
  try {
    await loadQueue();
  } catch (error) {
    setStatus(status, t("error", { detail: error.message }), true);
  }
  await show(0);
}

main();
