// The dashboard's map: an SVG in spherical (web) Mercator, so a user's XYZ tiles (marsad serve --tiles)
// line up with the shipped outlines. The outlines are drawn once in world units under one transform;
// tiles, markers, clusters and labels are drawn in screen pixels on every view change, so sizes and
// text stay readable at any zoom. Pan by dragging, zoom by the wheel or the buttons.
import { el, getJSON, t, typeClass, label, placeName, countsText, sumCasualties, LANG } from "./common.js";

const WORLD = 256;       // world units: pixels of the whole earth at tile zoom 0
const DEFAULT_BOX = { west: 34, east: 49, south: 29, north: 38 };  // Syria, Iraq and Jordan
const MIN_SPAN = 2.5;    // degrees: a single event is shown with its surroundings, not alone on the screen
const MAX_SCALE = 2 ** 17;  // screen px per world unit (tile zoom 17): closer than this shows nothing new
const MAX_VIEW = 40;     // world units across (about 56°): farther out the region is a speck
const MIN_RADIUS = 5;    // px: an event without casualties
const MAX_RADIUS = 16;   // px: the most casualties among the events shown
const LABEL_GAP = 3;     // px between a marker and its label
const MAX_TILES = 80;    // a view never asks a tile server for more

let basemapPromise = null;
let townsPromise = null;

function loadBasemap() {
  basemapPromise ??= getJSON("/static/basemap.geojson");
  return basemapPromise;
}

/** Major towns of the gazetteer, labelled where they do not crowd the events' places. */
function loadTowns() {
  townsPromise ??= getJSON("/api/places?kind=city").then((answer) => answer.places).catch(() => []);
  return townsPromise;
}

/** Longitude and latitude in degrees → world units (web Mercator, y down). */
export function project([lon, lat]) {
  const phi = (Math.max(-85, Math.min(85, lat)) * Math.PI) / 180;
  return [((lon + 180) / 360) * WORLD, (0.5 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / (2 * Math.PI)) * WORLD];
}

/** Killed plus injured, the marker's size. */
export function casualties(event) {
  return (sumCasualties(event, "killed") || 0) + (sumCasualties(event, "injured") || 0);
}

/** Marker radius in px for a casualty count, against the largest count shown (area grows with the count). */
function radiusFor(count, most) {
  return count > 0 ? MIN_RADIUS + 2 + (MAX_RADIUS - MIN_RADIUS - 2) * Math.sqrt(count / Math.max(1, most)) : MIN_RADIUS;
}

/** The sizes the legend shows: the largest count and a round one below it. */
function legendCounts(most) {
  if (most <= 1) return most ? [1] : [];
  const round = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((v) => v <= most / 2.5);
  return [round[round.length - 1] || 1, most];
}

function overlaps(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function circleBox(x, y, r) {
  return { x: x - r, y: y - r, w: 2 * r, h: 2 * r };
}

function tileOrigin(template) {
  try {
    return new URL(template.replace(/\{[xyz]\}/g, "0")).origin;
  } catch (_) {
    return null;
  }
}

export class EventMap {
  constructor(svg, { onSelect, legend }) {
    this.svg = svg;
    this.onSelect = onSelect;
    this.legend = legend;
    this.tiles = svg.dataset.tiles && tileOrigin(svg.dataset.tiles) ? svg.dataset.tiles : null;
    this.view = null;
    this.home = null;
    this.items = [];        // located events: { event, at (world), radius }
    this.places = [];       // places of the events: { id, name, at, count }
    this.towns = [];        // gazetteer towns: { id, name, at }
    this.spread = new Set();  // place keys whose events are fanned out (a cluster at one spot, clicked)
    this.tileLayer = el("g", { class: "tiles" });
    this.base = el("g", { class: "basemap" });
    this.markers = el("g", { class: "markers" });
    this.labels = el("g", { class: "labels" });
    svg.classList.toggle("with-tiles", Boolean(this.tiles));
    svg.append(this.tileLayer, this.base, this.markers, this.labels);
    this.enablePanZoom();
    new ResizeObserver(() => { if (this.view) this.setView(this.view); }).observe(svg);
  }

  /** The SVG's size in px (a hidden map still gets a sensible view). */
  size() {
    const rect = this.svg.getBoundingClientRect();
    return rect.width && rect.height ? { width: rect.width, height: rect.height } : { width: 600, height: 420 };
  }

  async drawBasemap() {
    const [collection, towns] = await Promise.all([loadBasemap(), loadTowns()]);
    for (const feature of collection.features) {
      const props = feature.properties;
      const d = feature.geometry.coordinates
        .flatMap((polygon) => polygon.map((ring) => "M" + ring.map((p) => project(p).map((v) => v.toFixed(4)).join(",")).join("L") + "Z"))
        .join("");
      const name = LANG === "ar" ? props.name_ar : props.name;
      this.base.append(el("path", { d, class: `area ${props.kind}` }, name ? el("title", {}, name) : null));
    }
    this.towns = towns.map((p) => ({ id: p.id, name: (LANG === "ar" && p.name_ar) || p.name, at: project([p.lon, p.lat]) }));
  }

  /** Replace the markers with these events and fit the view to them. */
  setEvents(events) {
    const located = events.filter((e) => e.location && e.location.lat !== null && e.location.lon !== null);
    const most = Math.max(0, ...located.map(casualties));
    this.items = located.map((event) => ({
      event, key: placeKey(event.location), at: project([event.location.lon, event.location.lat]),
      radius: radiusFor(casualties(event), most),
    }));
    const places = new Map();
    for (const item of this.items) {
      const place = places.get(item.key) || { id: item.key, name: placeName(item.event.location), at: item.at, count: 0 };
      place.count += 1;
      places.set(item.key, place);
    }
    this.places = [...places.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    this.spread.clear();
    this.drawLegend(located, most);
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
    const [x0, y0] = project([box.west - padLon, box.north + padLat]);
    const [x1, y1] = project([box.east + padLon, box.south - padLat]);
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  /** Show this box of the world (widened to the SVG's shape, kept within the zoom limits) and redraw. */
  setView(box) {
    const { width, height } = this.size();
    const cx = box.x + box.w / 2;
    const cy = box.y + box.h / 2;
    let scale = Math.min(width / box.w, height / box.h);
    scale = Math.min(MAX_SCALE, Math.max(width / MAX_VIEW, scale));
    const w = width / scale;
    const h = height / scale;
    this.view = { x: cx - w / 2, y: cy - h / 2, w, h };
    this.scale = scale;
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    this.base.setAttribute("transform", `matrix(${scale} 0 0 ${scale} ${-this.view.x * scale} ${-this.view.y * scale})`);
    this.render(width, height);
  }

  /** World units → screen px of the SVG. */
  toScreen([x, y]) {
    return [(x - this.view.x) * this.scale, (y - this.view.y) * this.scale];
  }

  render(width, height) {
    if (this.tiles) this.drawTiles();
    const anchors = this.drawMarkers();
    this.drawLabels(width, height, anchors);
  }

  /** The user's raster tiles covering the view, at the tile zoom nearest the map's scale. */
  drawTiles() {
    const z = Math.max(0, Math.min(19, Math.round(Math.log2(this.scale))));
    const n = 2 ** z;
    const size = WORLD / n;
    const x0 = Math.floor(this.view.x / size);
    const x1 = Math.floor((this.view.x + this.view.w) / size);
    const y0 = Math.max(0, Math.floor(this.view.y / size));
    const y1 = Math.min(n - 1, Math.floor((this.view.y + this.view.h) / size));
    const images = [];
    for (let ty = y0; ty <= y1; ty++) {
      for (let tx = x0; tx <= x1 && images.length < MAX_TILES; tx++) {
        const href = this.tiles.replace("{z}", z).replace("{x}", ((tx % n) + n) % n).replace("{y}", ty);
        const [sx, sy] = this.toScreen([tx * size, ty * size]);
        const px = size * this.scale;
        // Half a pixel of overlap hides the hairline seams between tiles.
        images.push(el("image", { href, x: sx.toFixed(1), y: sy.toFixed(1), width: (px + 0.5).toFixed(1),
                                  height: (px + 0.5).toFixed(1), preserveAspectRatio: "none" }));
      }
    }
    this.tileLayer.replaceChildren(...images);
  }

  /** Markers in px; ones that would overlap are merged into a cluster showing their count.
   *  Returns, per place, the circle drawn for it (its marker or its cluster), which its label sits beside. */
  drawMarkers() {
    const clusters = [];
    const fanned = [];
    const byWeight = [...this.items].sort((a, b) => b.radius - a.radius);
    for (const item of byWeight) {
      const [x, y] = this.toScreen(item.at);
      if (this.spread.has(item.key)) { fanned.push(item); continue; }
      const home = clusters.find((c) => Math.hypot(c.x - x, c.y - y) < c.radius + item.radius);
      if (home) home.members.push(item);
      else clusters.push({ x, y, radius: item.radius, members: [item] });
    }
    const nodes = [];
    const anchors = new Map();
    const anchor = (item, circle) => { if (!anchors.has(item.key)) anchors.set(item.key, circle); };
    for (const cluster of clusters) {
      if (cluster.members.length === 1) {
        const item = cluster.members[0];
        nodes.push(this.marker(item, cluster.x, cluster.y));
        anchor(item, { x: cluster.x, y: cluster.y, r: item.radius });
        continue;
      }
      const count = cluster.members.length;
      const x = cluster.members.reduce((s, m) => s + this.toScreen(m.at)[0], 0) / count;
      const y = cluster.members.reduce((s, m) => s + this.toScreen(m.at)[1], 0) / count;
      const radius = 11 + 3 * Math.log2(count);
      nodes.push(this.clusterMarker(cluster.members, x, y, radius));
      const circle = { x, y, r: radius };
      for (const item of cluster.members) anchor(item, circle);
    }
    // Events at one spot, fanned out on a small spiral around it so each stays clickable.
    const rank = new Map();
    for (const item of fanned) {
      const [x, y] = this.toScreen(item.at);
      const i = rank.get(item.key) || 0;
      rank.set(item.key, i + 1);
      const offset = i ? 2 * MAX_RADIUS * Math.sqrt(i) : 0;
      const fx = x + offset * Math.cos(i * 2.4);
      const fy = y + offset * Math.sin(i * 2.4);
      nodes.push(this.marker(item, fx, fy));
      anchor(item, { x: fx, y: fy, r: item.radius });
    }
    this.markers.replaceChildren(...nodes);
    return anchors;
  }

  marker(item, x, y) {
    const { event } = item;
    const counts = countsText(event);
    const circle = el("circle", {
      class: `point ${typeClass(event.sub_event_type)}`, "data-event-id": event.id, tabindex: "0", role: "link",
      cx: x.toFixed(1), cy: y.toFixed(1), r: item.radius.toFixed(1),
    }, el("title", {}, `${event.date || ""} · ${label("event_types", event.sub_event_type || "")} · ${placeName(event.location)}${counts ? " · " + counts : ""}`));
    circle.addEventListener("click", () => { if (!this.dragged) this.onSelect(event); });
    circle.addEventListener("keydown", (e) => { if (e.key === "Enter") this.onSelect(event); });
    return circle;
  }

  clusterMarker(members, x, y, radius) {
    const count = members.length;
    const group = el("g", {
      class: "cluster", tabindex: "0", role: "button", "data-count": count,
      "data-event-ids": members.map((m) => m.event.id).join(" "),
    }, el("title", {}, t("cluster_title", { count })),
    el("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: radius.toFixed(1) }),
    el("text", { x: x.toFixed(1), y: y.toFixed(1), dy: "0.35em" }, String(count)));
    const open = () => this.openCluster(members);
    group.addEventListener("click", () => { if (!this.dragged) open(); });
    group.addEventListener("keydown", (e) => { if (e.key === "Enter") open(); });
    return group;
  }

  /** Zoom to the cluster's events; if they are all at one spot (or the map is as close as it goes), fan them out. */
  openCluster(members) {
    const xs = members.map((m) => m.at[0]);
    const ys = members.map((m) => m.at[1]);
    const box = { x: Math.min(...xs), y: Math.min(...ys), w: Math.max(...xs) - Math.min(...xs), h: Math.max(...ys) - Math.min(...ys) };
    const { width } = this.size();
    const closest = width / MAX_SCALE;
    if (Math.max(box.w, box.h) < 4 * closest || this.scale >= MAX_SCALE) {
      for (const m of members) this.spread.add(m.key);
      this.setView(this.view);
      return;
    }
    // Room around the events for their markers; at least twice as close as now.
    const pad = Math.max(box.w, box.h) * 0.3;
    const w = Math.min(this.view.w / 2, box.w + 2 * pad);
    const h = Math.min(this.view.h / 2, box.h + 2 * pad);
    this.setView({ x: box.x + box.w / 2 - w / 2, y: box.y + box.h / 2 - h / 2, w, h });
  }

  /** Names of the events' places (most events first) beside their markers, then major towns; a label
   *  that would overlap one already placed is left out, and so is a town's that would cover a marker. */
  drawLabels(width, height, anchors) {
    this.labels.replaceChildren();
    const placed = [];
    const screen = { x: 0, y: 0, w: width, h: height };
    const eventPlaces = new Set(this.places.flatMap((p) => [p.id, p.name]));
    const markerBoxes = [...new Set(anchors.values())].map((a) => circleBox(a.x, a.y, a.r));
    const candidates = [
      ...this.places.map((p) => ({ ...p, kind: "place-label", ...anchors.get(p.id) })),
      ...this.towns.filter((town) => !eventPlaces.has(town.id) && !eventPlaces.has(town.name))
        .map((town) => { const [x, y] = this.toScreen(town.at); return { ...town, x, y, r: 2, kind: "town-label" }; }),
    ];
    for (const candidate of candidates) {
      const { x, y } = candidate;
      if (!(x >= 0 && y >= 0 && x <= width && y <= height)) continue;
      const text = el("text", { class: candidate.kind, "data-place": candidate.id }, candidate.name);
      this.labels.append(text);
      const textW = text.getComputedTextLength();
      const textH = candidate.kind === "place-label" ? 13 : 11;
      const r = candidate.r + LABEL_GAP;
      // Beside the marker on the reading side first, then the other side, then above and below.
      const sides = [[r, -textH / 2], [-r - textW, -textH / 2], [-textW / 2, -r - textH], [-textW / 2, r]];
      if (LANG === "ar") sides.unshift(sides.splice(1, 1)[0]);
      const boxes = sides.map(([dx, dy]) => ({ x: x + dx, y: y + dy, w: textW, h: textH }));
      const inside = (b) => b.x >= 0 && b.y >= 0 && b.x + b.w <= screen.w && b.y + b.h <= screen.h;
      const free = (b) => inside(b) && !placed.some((p) => overlaps(p, b));
      const clear = (b) => !markerBoxes.some((m) => overlaps(m, b));
      const box = boxes.find((b) => free(b) && clear(b))
        || (candidate.kind === "place-label" ? boxes.find(free) : null);
      if (!box) { text.remove(); continue; }
      text.setAttribute("x", box.x.toFixed(1));
      text.setAttribute("y", (box.y + textH * 0.8).toFixed(1));
      placed.push(box);
    }
  }

  /** Colours of the event types shown and the casualty sizes, under the map. */
  drawLegend(located, most) {
    if (!this.legend) return;
    const types = [...new Set(located.map((e) => e.sub_event_type || ""))];
    const items = types.map((type) => el("li", {}, el("span", { class: `dot ${typeClass(type)}` }), " ", label("event_types", type)));
    for (const count of legendCounts(most)) {
      const swatch = el("span", { class: "size-swatch" });
      const d = 2 * radiusFor(count, most);
      swatch.style.width = `${d}px`;
      swatch.style.height = `${d}px`;
      items.push(el("li", {}, swatch, " ", t("casualties_count", { count })));
    }
    const none = el("span", { class: "size-swatch" });
    none.style.width = none.style.height = `${2 * MIN_RADIUS}px`;
    items.push(el("li", {}, none, " ", t("no_casualties")));
    items.push(el("li", {}, el("span", { class: "cluster-swatch" }, "n"), " ", t("cluster_legend")));
    this.legend.replaceChildren(...items);
  }

  /** Zoom by factor around a point in world units (the centre when not given). */
  zoom(factor, cx, cy) {
    const v = this.view;
    cx ??= v.x + v.w / 2;
    cy ??= v.y + v.h / 2;
    this.spread.clear();
    this.setView({ x: cx - (cx - v.x) / factor, y: cy - (cy - v.y) / factor, w: v.w / factor, h: v.h / factor });
  }

  reset() {
    this.spread.clear();
    if (this.home) this.setView(this.home);
  }

  toWorld(clientX, clientY) {
    const rect = this.svg.getBoundingClientRect();
    return [this.view.x + (clientX - rect.left) / this.scale, this.view.y + (clientY - rect.top) / this.scale];
  }

  enablePanZoom() {
    this.svg.addEventListener("wheel", (e) => {
      if (!this.view) return;
      e.preventDefault();
      const [cx, cy] = this.toWorld(e.clientX, e.clientY);
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
      const v = start.view;
      this.setView({ ...v, x: v.x - dx / this.scale, y: v.y - dy / this.scale });
    });
    const end = () => { start = null; setTimeout(() => { this.dragged = false; }, 0); };
    this.svg.addEventListener("pointerup", end);
    this.svg.addEventListener("pointercancel", end);
  }
}

/** Events at the same place (same id, else the same point) share a label and fan out together. */
function placeKey(location) {
  return location.id || `${location.lat.toFixed(3)},${location.lon.toFixed(3)}`;
}
