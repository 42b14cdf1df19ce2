// The event page: fields with each outlet's claims, the reports' texts with the evidence
// marked, the audit trail, and the review panel that calls the write endpoints.
import {
  LANG, el, t, label, loadStrings, getJSON, postJSON, eventURL, documentURL, setStatus, placeName,
  sumCasualties, keepQueryInLanguageSwitch, safeHref,
} from "./common.js";
import { renderHighlighted, flashField } from "./highlight.js";

const EVENT_ID = document.body.dataset.eventId;
const status = document.getElementById("status");
const reviewStatus = document.getElementById("review-status");
const TOKEN_KEY = "marsad-token";
const WHO_KEY = "marsad-who";

// Fields an analyst may correct (the contract's list); numbers and lists are sent as such.
const CORRECTABLE = ["date", "sub_event_type", "attacker", "target_actor", "attribution", "launched", "killed",
                     "injured", "location", "weapons"];
const NUMERIC = new Set(["launched", "impacted", "intercepted", "unlaunched", "killed", "injured"]);

// Values are built as nodes with <bdi>, so Latin names inside Arabic lines (and the reverse) keep their order.
const bdi = (text) => el("bdi", {}, text);
const munition = (key) => (e) => e.munitions && e.munitions[key];
const casualty = (key) => (e) => {
  const total = sumCasualties(e, key);
  if (total === null) return null;
  const parts = (e.casualties || []).filter((c) => c[key] !== null && c[key] !== undefined);
  // "4 (SDF 2 · unknown 2)": the parties counted.
  return [String(total), " (", ...parts.flatMap((c, i) => [i ? " · " : "", bdi(`${label("actors", c.party)} ${c[key]}`)]), ")"];
};
const place = (loc) => loc ? [bdi(placeName(loc)), loc.admin1 ? [" · ", bdi(loc.admin1)] : null,
                              loc.country ? [" · ", bdi(loc.country)] : null,
                              ` (${label("precision_values", loc.precision || "unknown")})`] : null;
const dateValue = (e) => e.date && [bdi(e.date), e.date_precision && e.date_precision !== "day"
  ? [` (${label("precision_values", e.date_precision)}: `, bdi((e.date_range || []).join(" – ")), ")"] : null];

// Each row: the field key (as in claims and corrections), how to show the event's value,
// and which evidence field names mark its words in the text.
const ROWS = [
  { key: "sub_event_type", value: (e) => e.sub_event_type && label("event_types", e.sub_event_type), evidence: (f) => f === "sub_event_type" || f === "event" },
  { key: "date", value: dateValue, evidence: (f) => f === "date" },
  { key: "time", value: (e) => e.time && bdi(e.time), evidence: (f) => f === "time" },
  { key: "location", value: (e) => place(e.location), evidence: (f) => f === "location" },
  { key: "launch_site", value: (e) => place(e.launch_site), evidence: (f) => f === "launch_site" },
  { key: "attacker", value: (e) => e.attacker && label("actors", e.attacker), evidence: (f) => f === "attacker" },
  { key: "target_actor", value: (e) => e.target_actor && label("actors", e.target_actor), evidence: (f) => f === "target_actor" },
  { key: "attribution", value: (e) => e.attribution && label("attribution_values", e.attribution), evidence: (f) => f === "attribution" || f === "said_by" || f === "hedged" },
  { key: "weapons", value: (e) => (e.weapons || []).map((w) => label("weapons", w)).join(LANG === "ar" ? "، " : ", ") || null, evidence: (f) => f === "weapons" },
  { key: "launched", value: munition("launched"), evidence: (f) => f === "munitions.launched" },
  { key: "impacted", value: munition("impacted"), evidence: (f) => f === "munitions.impacted" },
  { key: "intercepted", value: munition("intercepted"), evidence: (f) => f === "munitions.intercepted" },
  { key: "unlaunched", value: munition("unlaunched"), evidence: (f) => f === "munitions.unlaunched" },
  { key: "killed", value: casualty("killed"), evidence: (f) => f.startsWith("casualties.") && f.endsWith(".killed") },
  { key: "injured", value: casualty("injured"), evidence: (f) => f.startsWith("casualties.") && f.endsWith(".injured") },
  { key: "confidence", value: (e) => (e.confidence === undefined || e.confidence === null ? null
      : [`${Math.round(e.confidence * 100)} %`, (e.confidence_basis || []).length
        ? ` (${e.confidence_basis.map((b) => label("confidence_basis", b)).join(LANG === "ar" ? "، " : ", ")})` : null]),
    evidence: () => false },
  { key: "damage", value: (e) => (e.damage && e.damage !== "unknown" ? [label("damage_values", e.damage), e.damage_text ? [" (", bdi(e.damage_text), ")"] : null] : null), evidence: (f) => f === "damage" },
];

const VOCABULARY = { sub_event_type: "event_types", attacker: "actors", target_actor: "actors",
                     attribution: "attribution_values", damage: "damage_values" };

function claimValue(key, value) {
  if (value === null || value === undefined) return "—";
  if (VOCABULARY[key]) return label(VOCABULARY[key], value);
  if (key === "weapons" && Array.isArray(value)) return value.map((w) => label("weapons", w)).join(", ");
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** "8 (Outlet A) · 3 (Outlet B)": each distinct value with the outlets that gave it, as nodes. */
function claimNodes(key, claims) {
  const byValue = new Map();
  for (const claim of claims.filter((c) => c.field === key)) {
    const shown = claimValue(key, claim.value);
    if (!byValue.has(shown)) byValue.set(shown, new Set());
    byValue.get(shown).add(claim.outlet || claim.doc_id);
  }
  return [...byValue].flatMap(([value, outlets], i) => [
    i ? " · " : "", el("span", { class: "claim" }, bdi(value), " (", bdi([...outlets].join(", ")), ")")]);
}

function renderFields(event) {
  const body = document.querySelector("#fields tbody");
  body.replaceChildren();
  const corrected = new Set((event.review && event.review.corrected_fields) || []);
  const evidenceFields = new Set((event.reports || []).flatMap((r) => r.evidence.map((x) => x.field)));
  for (const row of ROWS) {
    const value = row.value(event);
    const claims = claimNodes(row.key, event.claims || []);
    if ((value === null || value === undefined) && !claims.length && !corrected.has(row.key)) continue;
    const hasEvidence = [...evidenceFields].some(row.evidence);
    const name = hasEvidence
      ? el("button", { type: "button", class: "field-link", "data-field": row.key }, label("field_names", row.key))
      : el("span", {}, label("field_names", row.key));
    if (hasEvidence) {
      name.addEventListener("click", () => flashField(document.getElementById("reports"), row.evidence));
    }
    body.append(el("tr", { "data-field": row.key },
      el("th", { scope: "row" }, name),
      el("td", {}, value ?? "—", corrected.has(row.key) ? el("span", { class: "badge" }, t("corrected")) : null),
      el("td", { class: "claims" }, claims)));
  }
  if (event.responds_to) {
    body.append(el("tr", { "data-field": "responds_to" },
      el("th", { scope: "row" }, label("field_names", "responds_to")),
      el("td", {}, el("a", { href: eventURL(event.responds_to) }, event.responds_to)), el("td", {})));
  }
}

async function renderReports(event) {
  const container = document.getElementById("reports");
  const docIds = [...new Set((event.reports || []).map((r) => r.doc_id))];
  const documents = await Promise.all(docIds.map((id) => getJSON(`/api/documents/${encodeURIComponent(id)}`)));
  const sections = documents.map((doc) => {
    const reports = event.reports.filter((r) => r.doc_id === doc.doc_id);
    const href = doc.url && safeHref(doc.url);
    const text = el("div", { class: "doc-text", dir: doc.lang === "ar" ? "rtl" : "ltr", lang: doc.lang || null, "data-doc-id": doc.doc_id });
    renderHighlighted(text, doc.text, reports.flatMap((r) => r.evidence.map((x) => ({ ...x, report_id: r.report_id }))));
    return el("article", { class: "report", "data-doc-id": doc.doc_id },
      el("h3", {}, el("bdi", {}, doc.title || doc.doc_id)),
      el("p", { class: "meta" },
        `${t("outlet")}: `, el("bdi", {}, doc.outlet || "?"), ` · ${t("published")}: ${doc.published || "?"} · `,
        el("a", { href: documentURL(doc.doc_id) }, t("open_document")),
        href ? [" · ", el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, t("source_link"))] : null),
      reports.map((r) => el("p", { class: "meta" },
        `${t("report")} `, el("bdi", { class: "id" }, r.report_id), ` · ${t("role")}: ${label("roles", r.role)}`,
        r.said_by && r.said_by.length ? [` · ${t("said_by")}: `, el("bdi", {}, r.said_by.join(", "))] : null,
        r.hedged ? ` · ${t("hedged")}` : null)),
      text);
  });
  container.replaceChildren(...sections);
}

function renderAudit(audit) {
  const list = document.getElementById("audit");
  list.replaceChildren();
  if (!audit || !audit.length) {
    list.append(el("li", { class: "muted" }, t("no_audit")));
    return;
  }
  for (const entry of audit) {
    const what = [label("actions", entry.action)];
    if (entry.field) what.push(`${label("field_names", entry.field)} = ${claimValue(entry.field, entry.value)}`);
    if (entry.other_event_id) what.push(entry.other_event_id);
    if (entry.report_id) what.push(entry.report_id);
    list.append(el("li", { "data-action": entry.action },
      el("span", { class: "muted" }, (entry.at || "").replace("T", " ").slice(0, 19)), " · ",
      el("bdi", { class: "who" }, entry.who), " · ", el("bdi", {}, what.join(" · ")),
      entry.why ? el("div", { class: "why" }, el("bdi", {}, entry.why)) : null));
  }
}

function renderReview(event) {
  const select = document.getElementById("correct-field");
  const chosen = select.value;
  select.replaceChildren(...CORRECTABLE.map((f) => el("option", { value: f }, label("field_names", f))));
  if (chosen) select.value = chosen;
  const rejected = Boolean(event.review && event.review.rejected);
  document.getElementById("reject-button").textContent = rejected ? t("unreject") : t("reject");
  document.getElementById("reject-form").dataset.rejected = rejected ? "1" : "";
  document.getElementById("rejected").hidden = !rejected;
  const reports = document.getElementById("split-report");
  reports.replaceChildren(...(event.reports || []).map((r) => el("option", { value: r.report_id }, `${r.report_id} (${r.outlet || "?"})`)));
}

async function load() {
  document.body.dataset.loading = "1";
  setStatus(status, t("loading"));
  try {
    const event = await getJSON(`/api/events/${encodeURIComponent(EVENT_ID)}`);
    document.getElementById("event-title").replaceChildren(
      `${label("event_types", event.sub_event_type || "")} · ${event.date || "?"} · ${placeName(event.location)} `,
      el("bdi", { class: "id" }, event.id));
    renderFields(event);
    renderAudit(event.audit);
    renderReview(event);
    await renderReports(event);
    setStatus(status, "");
    document.body.dataset.ready = "1";
  } catch (error) {
    setStatus(status, t("error", { detail: error.message }), true);
  } finally {
    delete document.body.dataset.loading;
  }
}

function parseValue(field, raw) {
  const text = raw.trim();
  if (NUMERIC.has(field)) return text === "" ? null : Number(text);
  if (field === "weapons") return text.split(/[,،]/).map((w) => w.trim()).filter(Boolean);
  return text;
}

/** Common parts of every write: the token, who and why, kept for the session so a reviewer types them once. */
function credentials() {
  const token = document.getElementById("token").value.trim();
  const who = document.getElementById("who").value.trim();
  const why = document.getElementById("why").value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(WHO_KEY, who);
  return { token, who, why };
}

async function write(path, body, after) {
  const { token, who, why } = credentials();
  if (!token) {
    setStatus(reviewStatus, t("need_token"), true);
    return;
  }
  try {
    const result = await postJSON(path, { ...body, who, why }, token);
    setStatus(reviewStatus, t("done"));
    if (after) after(result);
    else await load();
  } catch (error) {
    setStatus(reviewStatus, t("failed", { detail: error.message }), true);
  }
}

function wireReview() {
  document.getElementById("token").value = sessionStorage.getItem(TOKEN_KEY) || "";
  document.getElementById("who").value = sessionStorage.getItem(WHO_KEY) || "";
  const base = `/api/events/${encodeURIComponent(EVENT_ID)}`;
  document.getElementById("correct-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const field = document.getElementById("correct-field").value;
    write(`${base}/correct`, { field, value: parseValue(field, document.getElementById("correct-value").value) });
  });
  document.getElementById("reject-form").addEventListener("submit", (e) => {
    e.preventDefault();
    write(`${base}/${e.currentTarget.dataset.rejected ? "unreject" : "reject"}`, {});
  });
  document.getElementById("merge-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const other = document.getElementById("merge-other").value.trim();
    write("/api/events/merge", { event_ids: [EVENT_ID, other] }, (result) => {
      if (result.event_id && result.event_id !== EVENT_ID) window.location.href = eventURL(result.event_id);
      else load();
    });
  });
  document.getElementById("split-form").addEventListener("submit", (e) => {
    e.preventDefault();
    write(`${base}/split`, { report_id: document.getElementById("split-report").value }, async (result) => {
      await load();
      if (result.event_id) {
        reviewStatus.replaceChildren(t("done"), " ", el("a", { href: eventURL(result.event_id), id: "split-result" }, result.event_id));
      }
    });
  });
}

async function main() {
  await loadStrings();
  keepQueryInLanguageSwitch();
  wireReview();
  await load();
}

main();
