// An event's fields (with what each outlet claimed) and its reports' texts with the evidence
// marked: shown on the event page and in the review queue.
import { LANG, el, t, label, getJSON, eventURL, documentURL, placeName, sumCasualties, safeHref } from "./common.js";
import { renderHighlighted, flashField } from "./highlight.js";

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
  { key: "probability", value: (e) => (e.probability === undefined || e.probability === null ? null
      : [`${Math.round(e.probability * 100)} %`, e.probability < e.probability_threshold
        ? ` (${t("below_threshold", { threshold: Math.round(e.probability_threshold * 100) })})` : null]),
    evidence: () => false },
  { key: "damage", value: (e) => (e.damage && e.damage !== "unknown" ? [label("damage_values", e.damage), e.damage_text ? [" (", bdi(e.damage_text), ")"] : null] : null), evidence: (f) => f === "damage" },
];

const VOCABULARY = { sub_event_type: "event_types", attacker: "actors", target_actor: "actors",
                     attribution: "attribution_values", damage: "damage_values" };

export function claimValue(key, value) {
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

/** One row per field with a value, a claim or a correction; a field's name flashes its words in reportsRoot. */
export function renderFields(body, event, reportsRoot) {
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
      name.addEventListener("click", () => flashField(reportsRoot, row.evidence));
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

/** Each document of the event with its reports' evidence marked in the text. */
export async function renderReports(container, event) {
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
