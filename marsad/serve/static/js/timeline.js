// Weekly stacked bars from /api/stats?by=week&group=type. Weeks with no event are drawn
// as gaps (not skipped), so the horizontal axis is real time.
import { el, label, typeClass, EVENT_TYPES } from "./common.js";

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 10, right: 10, bottom: 28, left: 30 };
const DAY = 86400000;

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
  for (let ms = periods[0]; ms <= periods[periods.length - 1]; ms += 7 * DAY) {
    weeks.push({ period: isoDay(ms), counts: byPeriod.get(isoDay(ms)) || {} });
  }
  return weeks;
}

/** Types in the canonical order first (stable colours and stacking), then any others. */
function typesIn(weeks) {
  const present = new Set(weeks.flatMap((w) => Object.keys(w.counts)));
  return [...EVENT_TYPES.filter((t) => present.has(t)), ...[...present].filter((t) => !EVENT_TYPES.includes(t)).sort()];
}

export function drawTimeline(svg, series, onWeek) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  const weeks = fillWeeks(series);
  if (!weeks.length) return [];
  const types = typesIn(weeks);
  const totals = weeks.map((w) => Object.values(w.counts).reduce((a, b) => a + b, 0));
  const maxTotal = Math.max(1, ...totals);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const step = plotW / weeks.length;
  const barW = Math.max(1, step * 0.8);
  const y = (v) => MARGIN.top + plotH - (v / maxTotal) * plotH;

  const axis = el("g", { class: "axis" });
  const ticks = maxTotal <= 5 ? maxTotal : 4;
  for (let i = 0; i <= ticks; i++) {
    const value = Math.round((maxTotal * i) / ticks);
    axis.append(el("line", { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value), class: "grid" }),
                el("text", { x: MARGIN.left - 4, y: y(value) + 4, class: "tick-y" }, String(value)));
  }
  svg.append(axis);

  const bars = el("g", { class: "bars" });
  let lastMonth = "";
  weeks.forEach((week, i) => {
    const x = MARGIN.left + i * step + (step - barW) / 2;
    let base = 0;
    const group = el("g", { class: "week", "data-period": week.period });
    for (const type of types) {
      const count = week.counts[type] || 0;
      if (!count) continue;
      group.append(el("rect", {
        class: `bar ${typeClass(type)}`, x: x.toFixed(2), width: barW.toFixed(2),
        y: y(base + count).toFixed(2), height: (y(base) - y(base + count)).toFixed(2), "data-type": type, "data-count": count,
      }, el("title", {}, `${week.period} · ${label("event_types", type)}: ${count}`)));
      base += count;
    }
    if (onWeek && base) group.addEventListener("click", () => onWeek(week.period));
    bars.append(group);
    const month = week.period.slice(0, 7);
    if (month !== lastMonth) {
      // Label a month at its first week; the year only where it changes or at the start.
      const text = month.slice(5) === "01" || !lastMonth ? month : month.slice(5);
      axis.append(el("text", { x: (x + barW / 2).toFixed(2), y: HEIGHT - 8, class: "tick-x" }, text));
      lastMonth = month;
    }
  });
  svg.append(bars);
  return types;
}
