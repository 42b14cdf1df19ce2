// Weekly stacked bars from /api/stats?by=week&group=type on a real time axis (weeks with no event
// are gaps). Tick spacing follows the data's span and the chart's width in pixels (weeks, months,
// quarters, years), and a label that would still touch its neighbour is dropped, so the axis reads
// at any range. Hovering a week shows its counts; dragging across the chart picks a date range.
import { el, t, label, typeClass, LANG, EVENT_TYPES } from "./common.js";

const HEIGHT = 220;
const MARGIN = { top: 10, right: 12, bottom: 42, left: 34 };
const DAY = 86400000;
const WEEK = 7 * DAY;
const LABEL_GAP = 8;  // px between neighbouring tick labels
const DRAG = 4;       // px of movement before a press becomes a brush rather than a click
// Candidate tick spacings, finest first; the first whose labels fit is used.
const STEPS = [
  { unit: "week", n: 1 }, { unit: "week", n: 2 }, { unit: "month", n: 1 }, { unit: "month", n: 3 },
  { unit: "month", n: 6 }, { unit: "year", n: 1 }, { unit: "year", n: 2 }, { unit: "year", n: 5 }, { unit: "year", n: 10 },
];
const LOCALE = LANG === "ar" ? "ar-u-nu-latn" : "en";  // Arabic month names, the digits the rest of the page uses
const FORMATS = {
  week: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", day: "numeric", month: "short" }),
  month: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", month: "short" }),
  year: new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", year: "numeric" }),
};

function parseDay(iso) {
  return Date.parse(`${iso}T00:00:00Z`);
}

function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every Monday from the first to the last period, with the counts of the series filled in. */
export function fillWeeks(series) {
  if (!series.length) return [];
  const byPeriod = new Map(series.map((s) => [s.period, s.counts]));
  const periods = series.map((s) => parseDay(s.period)).sort((a, b) => a - b);
  const weeks = [];
  for (let ms = periods[0]; ms <= periods[periods.length - 1]; ms += WEEK) {
    weeks.push({ period: isoDay(ms), counts: byPeriod.get(isoDay(ms)) || {} });
  }
  return weeks;
}

/** Types in the canonical order first (stable colours and stacking), then any others. */
function typesIn(weeks) {
  const present = new Set(weeks.flatMap((w) => Object.keys(w.counts)));
  return [...EVENT_TYPES.filter((t) => present.has(t)), ...[...present].filter((t) => !EVENT_TYPES.includes(t)).sort()];
}

/** Tick times of one spacing between start and end (ms, UTC): Mondays, first days of months, or new years. */
function tickTimes(step, start, end) {
  const out = [];
  if (step.unit === "week") {
    for (let ms = start; ms <= end; ms += step.n * WEEK) out.push(ms);
    return out;
  }
  const first = new Date(start);
  let year = first.getUTCFullYear();
  let month = step.unit === "year" ? 0 : first.getUTCMonth();
  const months = step.unit === "year" ? 12 * step.n : step.n;
  if (step.unit === "year") year = Math.ceil(year / step.n) * step.n;
  else month = Math.ceil(month / step.n) * step.n;
  for (;;) {
    const ms = Date.UTC(year, month, 1);
    if (ms > end) return out;
    if (ms >= start) out.push(ms);
    month += months;
  }
}

function tickLabel(step, ms) {
  return FORMATS[step.unit === "week" ? "week" : step.unit].format(new Date(ms));
}

export class Timeline {
  constructor(svg, { onRange }) {
    this.svg = svg;
    this.onRange = onRange;
    this.series = [];
    this.tip = el("div", { class: "timeline-tip", role: "tooltip", hidden: true });
    svg.after(this.tip);
    this.enableHoverAndBrush();
    new ResizeObserver(() => this.draw(this.series)).observe(svg);
  }

  width() {
    return Math.round(this.svg.getBoundingClientRect().width) || 640;
  }

  /** Draw the chart; returns the event types shown, for the legend. */
  draw(series) {
    this.series = series;
    const width = this.width();
    const svg = this.svg;
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${HEIGHT}`);
    this.weeks = fillWeeks(series);
    const weeks = this.weeks;
    if (!weeks.length) return [];
    const types = typesIn(weeks);
    const totals = weeks.map((w) => Object.values(w.counts).reduce((a, b) => a + b, 0));
    const maxTotal = Math.max(1, ...totals);
    this.plot = { left: MARGIN.left, right: width - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
    const { left, right, top, bottom } = this.plot;
    this.start = parseDay(weeks[0].period);
    this.end = parseDay(weeks[weeks.length - 1].period) + WEEK;
    const x = (ms) => left + ((ms - this.start) / (this.end - this.start)) * (right - left);
    this.x = x;
    const y = (v) => bottom - (v / maxTotal) * (bottom - top);

    const grid = el("g", { class: "axis" });
    const ticks = maxTotal <= 5 ? maxTotal : 4;
    for (let i = 0; i <= ticks; i++) {
      const value = Math.round((maxTotal * i) / ticks);
      grid.append(el("line", { x1: left, x2: right, y1: y(value), y2: y(value), class: "grid" }),
                  el("text", { x: left - 4, y: y(value) + 4, class: "tick-y" }, String(value)));
    }
    svg.append(grid);

    const bars = el("g", { class: "bars" });
    const weekW = x(this.start + WEEK) - x(this.start);
    const barW = Math.max(1, weekW * 0.8);
    weeks.forEach((week) => {
      const group = el("g", { class: "week", "data-period": week.period });
      let base = 0;
      for (const type of types) {
        const count = week.counts[type] || 0;
        if (!count) continue;
        group.append(el("rect", {
          class: `bar ${typeClass(type)}`, x: (x(parseDay(week.period)) + (weekW - barW) / 2).toFixed(2),
          y: y(base + count).toFixed(2), width: barW.toFixed(2), height: (y(base) - y(base + count)).toFixed(2),
          "data-type": type, "data-count": count,
        }));
        base += count;
      }
      bars.append(group);
    });
    svg.append(bars, this.drawTimeAxis(x, width));
    this.brush = el("rect", { class: "brush", x: left, y: top, width: 0, height: bottom - top, visibility: "hidden" });
    this.overlay = el("rect", { class: "overlay", x: left, y: top, width: right - left, height: bottom - top });
    svg.append(this.brush, this.overlay);
    return types;
  }

  /** The time axis: the finest tick spacing whose labels fit, and the years under weeks and months. */
  drawTimeAxis(x, width) {
    const { left, right, bottom } = this.plot;
    const axis = el("g", { class: "time-axis" }, el("line", { x1: left, x2: right, y1: bottom, y2: bottom, class: "baseline" }));
    this.svg.append(axis);  // labels are measured in place
    const measure = (text) => {
      const node = el("text", { class: "tick-x" }, text);
      axis.append(node);
      const w = node.getComputedTextLength() || text.length * 6;
      node.remove();
      return w;
    };
    let chosen = null;
    for (const step of STEPS) {
      const times = tickTimes(step, this.start, this.end);
      const labels = times.map((ms) => tickLabel(step, ms));
      const widest = Math.max(0, ...labels.map(measure));
      const closest = Math.min(Infinity, ...times.slice(1).map((ms, i) => x(ms) - x(times[i])));
      chosen = { step, times, labels };
      if (closest >= widest + LABEL_GAP) break;
    }
    const rows = [chosen.times.map((ms, i) => ({ ms, text: chosen.labels[i] }))];
    if (chosen.step.unit !== "year") {
      // Years on a row of their own: at the first tick and wherever a new one starts.
      rows.push(chosen.times.filter((ms, i) => i === 0 || new Date(ms).getUTCFullYear() !== new Date(chosen.times[i - 1]).getUTCFullYear())
        .map((ms) => ({ ms, text: FORMATS.year.format(new Date(ms)) })));
    }
    rows.forEach((row, r) => {
      let lastEnd = -Infinity;
      for (const { ms, text } of row) {
        const at = x(ms);
        if (r === 0) axis.append(el("line", { x1: at, x2: at, y1: bottom, y2: bottom + 4, class: "tick" }));
        const node = el("text", { x: (at + 2).toFixed(1), y: bottom + 15 + 13 * r, class: r ? "tick-x tick-year" : "tick-x" }, text);
        axis.append(node);
        const box = { left: at + 2, right: at + 2 + node.getComputedTextLength() };
        // Never two labels touching, and never one running off the chart.
        if (box.left < lastEnd + LABEL_GAP || box.right > width) { node.remove(); continue; }
        lastEnd = box.right;
      }
    });
    return axis;
  }

  /** The index of the week under a screen x (the first or last week beyond the chart's ends). */
  weekAt(clientX) {
    const ms = this.start + ((this.chartX(clientX) - this.plot.left) / (this.plot.right - this.plot.left)) * (this.end - this.start);
    return Math.max(0, Math.min(this.weeks.length - 1, Math.floor((ms - this.start) / WEEK)));
  }

  /** Chart x in the viewBox (the same as px: the viewBox is the SVG's width). */
  chartX(clientX) {
    const rect = this.svg.getBoundingClientRect();
    return Math.max(this.plot.left, Math.min(this.plot.right, ((clientX - rect.left) / rect.width) * this.width()));
  }

  showTip(i, clientX, clientY) {
    const week = this.weeks[i];
    const end = isoDay(parseDay(week.period) + 6 * DAY);
    const rows = typesIn([week]).map((type) => el("li", {},
      el("span", { class: `dot ${typeClass(type)}` }), " ", label("event_types", type), ": ", String(week.counts[type])));
    const total = Object.values(week.counts).reduce((a, b) => a + b, 0);
    this.tip.replaceChildren(el("strong", {}, t("week_range", { from: week.period, to: end })),
      el("ul", {}, rows), el("div", {}, `${t("total")}: ${total}`));
    this.tip.hidden = false;
    const box = this.tip.offsetParent ? this.tip.offsetParent.getBoundingClientRect() : { left: 0, top: 0, width: 0 };
    const tipW = this.tip.offsetWidth;
    const left = Math.min(Math.max(0, clientX - box.left + 12), Math.max(0, box.width - tipW - 4));
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${clientY - box.top + 12}px`;
    for (const g of this.svg.querySelectorAll("g.week")) g.classList.toggle("hover", g.dataset.period === week.period);
  }

  hideTip() {
    this.tip.hidden = true;
    for (const g of this.svg.querySelectorAll("g.week.hover")) g.classList.remove("hover");
  }

  /** Hover a week for its counts; press and drag for a range of whole weeks; a click picks one week. */
  enableHoverAndBrush() {
    let start = null;
    this.svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 || !this.weeks || !this.weeks.length || e.target !== this.overlay) return;
      start = { clientX: e.clientX, x: this.chartX(e.clientX), moved: false };
      this.svg.setPointerCapture(e.pointerId);
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (!this.weeks || !this.weeks.length) return;
      if (start && (start.moved || Math.abs(e.clientX - start.clientX) >= DRAG)) {
        start.moved = true;
        const x = this.chartX(e.clientX);
        this.brush.setAttribute("x", Math.min(x, start.x).toFixed(1));
        this.brush.setAttribute("width", Math.abs(x - start.x).toFixed(1));
        this.brush.setAttribute("visibility", "visible");
        this.hideTip();
        return;
      }
      const i = e.target === this.overlay ? this.weekAt(e.clientX) : null;
      if (i !== null && Object.keys(this.weeks[i].counts).length) this.showTip(i, e.clientX, e.clientY);
      else this.hideTip();
    });
    this.svg.addEventListener("pointerleave", () => { if (!start) this.hideTip(); });
    const finish = (e, cancelled) => {
      if (!start) return;
      const first = this.weekAt(start.moved ? Math.min(start.clientX, e.clientX) : start.clientX);
      const last = this.weekAt(start.moved ? Math.max(start.clientX, e.clientX) : start.clientX);
      start = null;
      this.brush.setAttribute("visibility", "hidden");
      this.hideTip();
      if (cancelled) return;
      this.onRange(this.weeks[first].period, isoDay(parseDay(this.weeks[last].period) + 6 * DAY));
    };
    this.svg.addEventListener("pointerup", (e) => finish(e, false));
    this.svg.addEventListener("pointercancel", (e) => finish(e, true));
  }
}
