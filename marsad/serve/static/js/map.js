// The dashboard's map: an SVG in equirectangular projection (x = lon·cos φ0, y = −lat),
// fitted to the events, with governorate outlines from basemap.geojson. Pan by dragging,
// zoom by the wheel or the buttons; both only change the viewBox.
import { el, getJSON, typeClass, label, placeName, countsText, sumCasualties } from "./common.js";

const DEFAULT_BOX = { west: 34, east: 49, south: 29, north: 38 };  // Syria, Iraq and Jordan
const MIN_SPAN = 2.5;   // degrees: a single event is shown with its surroundings, not alone on the screen
const MIN_RADIUS = 4;   // px
const MAX_RADIUS = 18;  // px

let basemapPromise = null;

function loadBasemap() {
  basemapPromise ??= getJSON("/static/basemap.geojson");
  return basemapPromise;
}

/** The marker size of an event: munitions launched, else casualties, else 1. */
export function eventWeight(event) {
  const launched = event.munitions && event.munitions.launched;
  const hurt = (sumCasualties(event, "killed") || 0) + (sumCasualties(event, "injured") || 0);
  return Math.max(1, launched || 0, hurt);
}

export class EventMap {
  constructor(svg, { onSelect }) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.k = Math.cos((33.5 * Math.PI) / 180);  // cos φ0 at the middle of the region, fixed so outlines never move
    this.view = null;
    this.home = null;
    this.points = [];
    this.base = el("g", { class: "basemap" });
    this.layer = el("g", { class: "points" });
    svg.append(this.base, this.layer);
    this.enablePanZoom();
  }

  project([lon, lat]) {
    return [lon * this.k, -lat];
  }

  async drawBasemap() {
    const collection = await loadBasemap();
    for (const feature of collection.features) {
      const props = feature.properties;
      const d = feature.geometry.coordinates
        .flatMap((polygon) => polygon.map((ring) => "M" + ring.map((p) => this.project(p).map((v) => v.toFixed(3)).join(",")).join("L") + "Z"))
        .join("");
      const name = document.body.dataset.lang === "ar" ? props.name_ar : props.name;
      this.base.append(el("path", { d, class: `area ${props.kind}` }, name ? el("title", {}, name) : null));
    }
  }

  /** Replace the markers with these events and fit the view to them. */
  setEvents(events) {
    this.layer.replaceChildren();
    this.points = [];
    const located = events.filter((e) => e.location && e.location.lat !== null && e.location.lon !== null);
    const seen = new Map();
    const maxWeight = Math.max(1, ...located.map(eventWeight));
    for (const event of located) {
      const key = `${event.location.lat.toFixed(3)},${event.location.lon.toFixed(3)}`;
      const rank = seen.get(key) || 0;
      seen.set(key, rank + 1);
      // Events at the same place sit on a small spiral around it, so each stays clickable.
      const angle = rank * 2.4;
      const offset = rank ? 6 + 3 * Math.sqrt(rank) : 0;
      const radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(eventWeight(event) / maxWeight);
      const circle = el("circle", {
        class: `point ${typeClass(event.sub_event_type)}`,
        "data-event-id": event.id,
        tabindex: "0",
        role: "link",
      }, el("title", {}, `${event.date || ""} · ${label("event_types", event.sub_event_type || "")} · ${placeName(event.location)}${countsText(event) ? " · " + countsText(event) : ""}`));
      circle.addEventListener("click", () => { if (!this.dragged) this.onSelect(event); });
      circle.addEventListener("keydown", (e) => { if (e.key === "Enter") this.onSelect(event); });
      this.layer.append(circle);
      this.points.push({ circle, at: this.project([event.location.lon, event.location.lat]), radius,
                         dx: offset * Math.cos(angle), dy: offset * Math.sin(angle) });
    }
    this.home = this.fit(located);
    this.setView(this.home);
  }

  fit(located) {
    let box = { ...DEFAULT_BOX };
    if (located.length) {
      const lons = located.map((e) => e.location.lon);
      const lats = located.map((e) => e.location.lat);
      box = { west: Math.min(...lons), east: Math.max(...lons), south: Math.min(...lats), north: Math.max(...lats) };
    }
    const padLon = Math.max(MIN_SPAN - (box.east - box.west), 0) / 2 + 0.5;
    const padLat = Math.max(MIN_SPAN - (box.north - box.south), 0) / 2 + 0.5;
    const [x0, y0] = this.project([box.west - padLon, box.north + padLat]);
    const [x1, y1] = this.project([box.east + padLon, box.south - padLat]);
    return this.withAspect({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }

  /** Widen the box to the SVG's aspect ratio, so a pixel is the same distance both ways. */
  withAspect(box) {
    const rect = this.svg.getBoundingClientRect();
    const aspect = rect.width && rect.height ? rect.width / rect.height : 1.5;
    let { x, y, w, h } = box;
    if (w / h < aspect) { const nw = h * aspect; x -= (nw - w) / 2; w = nw; }
    else { const nh = w / aspect; y -= (nh - h) / 2; h = nh; }
    return { x, y, w, h };
  }

  setView(view) {
    this.view = view;
    this.svg.setAttribute("viewBox", `${view.x} ${view.y} ${view.w} ${view.h}`);
    const rect = this.svg.getBoundingClientRect();
    const unit = rect.width ? view.w / rect.width : view.w / 600;  // map units per screen pixel
    for (const p of this.points) {
      p.circle.setAttribute("cx", (p.at[0] + p.dx * unit).toFixed(4));
      p.circle.setAttribute("cy", (p.at[1] + p.dy * unit).toFixed(4));
      p.circle.setAttribute("r", (p.radius * unit).toFixed(4));
    }
  }

  /** Zoom by factor around a point in map units (the centre when not given). */
  zoom(factor, cx, cy) {
    const v = this.view;
    cx ??= v.x + v.w / 2;
    cy ??= v.y + v.h / 2;
    this.setView({ x: cx - (cx - v.x) / factor, y: cy - (cy - v.y) / factor, w: v.w / factor, h: v.h / factor });
  }

  reset() {
    if (this.home) this.setView(this.home);
  }

  toMap(clientX, clientY) {
    const rect = this.svg.getBoundingClientRect();
    return [this.view.x + ((clientX - rect.left) / rect.width) * this.view.w,
            this.view.y + ((clientY - rect.top) / rect.height) * this.view.h];
  }

  enablePanZoom() {
    this.svg.addEventListener("wheel", (e) => {
      if (!this.view) return;
      e.preventDefault();
      const [cx, cy] = this.toMap(e.clientX, e.clientY);
      this.zoom(e.deltaY < 0 ? 1.25 : 0.8, cx, cy);
    }, { passive: false });
    let start = null;
    this.svg.addEventListener("pointerdown", (e) => {
      if (!this.view || e.button !== 0) return;
      start = { x: e.clientX, y: e.clientY, view: this.view };
      this.dragged = false;
    });
    this.svg.addEventListener("pointermove", (e) => {
      if (!start) return;
      const dx = e.clientX - start.x;
      const dy = e.clientY - start.y;
      // A few pixels of jitter during a click must not count as a drag.
      if (!this.dragged && Math.hypot(dx, dy) < 4) return;
      if (!this.dragged) this.svg.setPointerCapture(e.pointerId);
      this.dragged = true;
      const rect = this.svg.getBoundingClientRect();
      const v = start.view;
      this.setView({ ...v, x: v.x - (dx / rect.width) * v.w, y: v.y - (dy / rect.height) * v.h });
    });
    const end = () => { start = null; setTimeout(() => { this.dragged = false; }, 0); };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
  }
}
