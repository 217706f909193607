// The case's place on a small map with the responder's own position, the distance between them and a link that
// opens the phone's navigation app (a geo: link; no online map tiles are needed, as the government extranet has none).
import { el } from "../common/dom";
import { distanceText, metres, type Position } from "./location";
import { mt } from "./texts";

const svgNs = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(svgNs, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function miniMap(location: [number, number], label: string, me: Position | null): HTMLElement {
  const [lon, lat] = location;
  const w = 340, h = 170, pad = 24;
  const map = svg("svg", { viewBox: `0 0 ${w} ${h}`, class: "minimap", role: "img", "aria-label": label });
  map.append(svg("rect", { x: 0, y: 0, width: w, height: h, class: "ground" }));
  const points: { lon: number; lat: number }[] = [{ lon, lat }, ...(me ? [me] : [])];
  // An equirectangular view around both points (a few km at most: a flat picture is true enough).
  const minLon = Math.min(...points.map((p) => p.lon)), maxLon = Math.max(...points.map((p) => p.lon));
  const minLat = Math.min(...points.map((p) => p.lat)), maxLat = Math.max(...points.map((p) => p.lat));
  const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const spanX = Math.max((maxLon - minLon) * k, 0.004), spanY = Math.max(maxLat - minLat, 0.003);
  const scale = Math.min((w - 2 * pad) / spanX, (h - 2 * pad) / spanY);
  const cx = (minLon + maxLon) / 2, cy = (minLat + maxLat) / 2;
  const x = (p: { lon: number }) => w / 2 + (p.lon - cx) * k * scale;
  const y = (p: { lat: number }) => h / 2 - (p.lat - cy) * scale;
  for (let i = 1; i < 4; i++) {
    map.append(svg("line", { x1: (w * i) / 4, y1: 0, x2: (w * i) / 4, y2: h, class: "grid" }));
    map.append(svg("line", { x1: 0, y1: (h * i) / 4, x2: w, y2: (h * i) / 4, class: "grid" }));
  }
  const info = el("div", { class: "distance" });
  if (me) {
    map.append(svg("line", { x1: x(me), y1: y(me), x2: x({ lon }), y2: y({ lat }), class: "route" }));
    map.append(svg("circle", { cx: x(me), cy: y(me), r: 7, class: "me" }));
    const d = metres(me, { lon, lat });
    info.textContent = `${mt("fromMe")} ${distanceText(d)}`;
    info.dataset.metres = String(Math.round(d));
  } else {
    info.textContent = mt("unknownPosition");
  }
  map.append(svg("circle", { cx: x({ lon }), cy: y({ lat }), r: 9, class: "case" }));
  const north = svg("text", { x: w - 14, y: 18, class: "north" });
  north.textContent = "N";
  map.append(north);
  const go = el("a", { class: "navigate button", href: `geo:${lat},${lon}?q=${lat},${lon}(${encodeURIComponent(label)})`, "data-navigate": "" }, mt("navigate"));
  return el("div", { class: "place" }, map, el("div", { class: "place-line" }, info, go));
}
