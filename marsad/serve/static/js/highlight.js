// Draw a document's cleaned text with its evidence spans as <mark> elements, built
// with DOM methods only: the text is untrusted, so it only ever becomes text nodes.
import { el, label } from "./common.js";

// Colour groups for evidence fields ("munitions.launched" → munitions); CSS colours the f-* classes.
const GROUPS = ["event", "date", "time", "location", "launch_site", "attacker", "target_actor", "attribution",
                "sub_event_type", "weapons", "munitions", "casualties", "damage", "said_by", "hedged"];

export function fieldGroup(field) {
  const head = String(field).split(".")[0];
  return GROUPS.includes(head) ? head : "other";
}

/** The i18n name of an evidence field: "casualties.sdf.killed" → "killed", "munitions.launched" → "launched". */
export function fieldLabel(field) {
  const parts = String(field).split(".");
  const last = parts[0] === "munitions" || parts[0] === "casualties" ? parts[parts.length - 1] : parts[0];
  return label("field_names", last);
}

/**
 * Fill container with text, marking spans. Overlapping spans split the text into
 * segments; each <mark> lists every span covering it (data-spans, data-fields) and is
 * coloured by the narrowest one, so the concatenated marks of span i spell text[start:end].
 */
export function renderHighlighted(container, text, spans) {
  container.replaceChildren();
  const cuts = new Set([0, text.length]);
  const valid = spans
    .map((span, index) => ({ ...span, index }))
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start < s.end && s.start >= 0 && s.end <= text.length);
  for (const s of valid) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = text.slice(a, b);
    const covering = valid.filter((s) => s.start <= a && s.end >= b);
    if (!covering.length) { fragment.append(document.createTextNode(piece)); continue; }
    const narrowest = covering.reduce((x, y) => (y.end - y.start < x.end - x.start ? y : x));
    const fields = [...new Set(covering.map((s) => s.field))];
    fragment.append(el("mark", {
      class: `f-${fieldGroup(narrowest.field)}`,
      "data-field": narrowest.field,
      "data-fields": fields.join(" "),
      "data-spans": covering.map((s) => s.index).join(" "),
      title: fields.map((f) => `${fieldLabel(f)} (${f})`).join(" · "),
    }, piece));
  }
  container.append(fragment);
}

/** Scroll to the first mark of a field (any mark whose data-fields has a name matching test) and flash all of them. */
export function flashField(root, test) {
  const marks = [...root.querySelectorAll("mark[data-fields]")].filter((m) => m.dataset.fields.split(" ").some(test));
  if (!marks.length) return 0;
  marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
  for (const mark of marks) {
    mark.classList.remove("flash");
    void mark.getBoundingClientRect();  // restart the animation when the same field is clicked twice
    mark.classList.add("flash");
  }
  return marks.length;
}

export function legendItems(fields) {
  const groups = [...new Set(fields.map(fieldGroup))].sort((a, b) => GROUPS.indexOf(a) - GROUPS.indexOf(b));
  return groups.map((g) => el("li", {}, el("mark", { class: `f-${g} swatch` }, label("field_names", g))));
}
