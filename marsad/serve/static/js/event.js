// The event page: fields with each outlet's claims, the reports' texts with the evidence
// marked, the audit trail, and the review panel that calls the write endpoints.
import {
  el, t, label, loadStrings, getJSON, postJSON, eventURL, setStatus, placeName, keepQueryInLanguageSwitch,
} from "./common.js";
import { claimValue, renderFields, renderReports } from "./eventview.js";
import { fillFieldSelect, parseValue, savedCredentials, saveCredentials } from "./writes.js";

const EVENT_ID = document.body.dataset.eventId;
const status = document.getElementById("status");
const reviewStatus = document.getElementById("review-status");

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
  fillFieldSelect(document.getElementById("correct-field"));
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
    renderFields(document.querySelector("#fields tbody"), event, document.getElementById("reports"));
    renderAudit(event.audit);
    renderReview(event);
    await renderReports(document.getElementById("reports"), event);
    setStatus(status, "");
    document.body.dataset.ready = "1";
  } catch (error) {
    setStatus(status, t("error", { detail: error.message }), true);
  } finally {
    delete document.body.dataset.loading;
  }
}

/** Common parts of every write: the token, who and why, kept for the session so a reviewer types them once. */
function credentials() {
  const token = document.getElementById("token").value.trim();
  const who = document.getElementById("who").value.trim();
  const why = document.getElementById("why").value.trim();
  saveCredentials(token, who);
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
  const saved = savedCredentials();
  document.getElementById("token").value = saved.token;
  document.getElementById("who").value = saved.who;
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
