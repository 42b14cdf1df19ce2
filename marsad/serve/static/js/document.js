// The document page: the cleaned text with every stored span marked, a legend, and the events it feeds.
import { el, t, loadStrings, getJSON, eventURL, setStatus, keepQueryInLanguageSwitch, safeHref } from "./common.js";
import { renderHighlighted, legendItems } from "./highlight.js";

const DOC_ID = document.body.dataset.docId;
const status = document.getElementById("status");

async function main() {
  await loadStrings();
  keepQueryInLanguageSwitch();
  setStatus(status, t("loading"));
  try {
    const doc = await getJSON(`/api/documents/${encodeURIComponent(DOC_ID)}`);
    document.getElementById("doc-title").replaceChildren(el("bdi", {}, doc.title || doc.doc_id));
    const href = doc.url && safeHref(doc.url);
    document.getElementById("doc-meta").replaceChildren(
      el("dt", {}, t("outlet")), el("dd", {}, el("bdi", {}, doc.outlet || "?")),
      el("dt", {}, t("published")), el("dd", {}, doc.published || "?"),
      el("dt", {}, t("document")), el("dd", {}, el("bdi", { class: "id" }, doc.doc_id)),
      ...(href ? [el("dt", {}, t("source_link")), el("dd", {}, el("a", { href, rel: "noopener noreferrer nofollow", target: "_blank" }, href))] : []));
    const text = document.getElementById("doc-text");
    text.setAttribute("dir", doc.lang === "ar" ? "rtl" : "ltr");
    if (doc.lang) text.setAttribute("lang", doc.lang);
    renderHighlighted(text, doc.text, doc.spans);
    document.getElementById("legend").replaceChildren(...legendItems(doc.spans.map((s) => s.field)));
    const events = [...new Set(doc.spans.map((s) => s.event_id).filter(Boolean))];
    document.getElementById("doc-events").replaceChildren(
      ...events.map((id) => el("li", {}, el("a", { href: eventURL(id) }, id))));
    setStatus(status, "");
    document.body.dataset.ready = "1";
  } catch (error) {
    setStatus(status, t("error", { detail: error.message }), true);
  }
}

main();
