// The situation map (一张图): MapLibre drawing only what the engine serves (its basemap tiles, GeoJSON and
// the device atlas), no outside tiles, glyphs or sprites, so it renders on a closed network. Region labels are
// HTML markers in the page's own font; basemap labels use the screen's CJK font (basemap.ts).
import "maplibre-gl/dist/maplibre-gl.css";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import {
  Map as MapLibreMap, Marker, setWorkerUrl,
  type ExpressionSpecification, type GeoJSONSource, type LayerSpecification, type MapGeoJSONFeature, type MapMouseEvent, type SourceSpecification,
} from "maplibre-gl";
import { api } from "../common/auth";
import { lang, name } from "../common/i18n";
import type { RegionFeatureProps, SituationEvent } from "../common/types";
import { basemapLabels, basemapLayers, glyphs, localFonts } from "./basemap";
import { clusterMaxZoom, createDeviceLayer, deviceLayers, type DeviceLayer } from "./devices";
import { overlayLayers, overlaySources } from "./overlays";
import { showResponders } from "./responders";
import { state } from "./state";

setWorkerUrl(workerUrl);

type Geometry = GeoJSON.Polygon | GeoJSON.MultiPolygon;
type RegionFeature = GeoJSON.Feature<Geometry, RegionFeatureProps>;
export type AreaLevel = "district" | "street" | "community" | "cell";

export const healthColours: Record<string, string> = {
  normal: "#1f8f5f", attention: "#d9b92a", warning: "#ff9f1a", critical: "#ff4d4f",
};
const urgencyColours: Record<string, string> = { normal: "#35c4ff", urgent: "#ff9f1a", emergency: "#ff4d4f" };

function match(input: ExpressionSpecification, colours: Record<string, string>, fallback: string): ExpressionSpecification {
  return ["match", input, ...Object.entries(colours).flat(), fallback] as unknown as ExpressionSpecification;
}

function bboxOf(geometry: Geometry): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) for (const [x, y] of polygon[0] ?? []) {
    w = Math.min(w, x!); e = Math.max(e, x!); s = Math.min(s, y!); n = Math.max(n, y!);
  }
  return [w, s, e, n];
}

function centreOf(box: [number, number, number, number]): [number, number] {
  return [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
}

function overlaps(a: number[], b: number[]): boolean {
  return a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;
}

export interface SituationMap {
  map: MapLibreMap;
  devices: DeviceLayer;
  refreshDevices(): void;
  refreshEvents(): void;
  recolourCells(codes: string[]): void;
  focus(box: number[], maxZoom?: number): void;
  relabel(): void;
}

export interface MapCallbacks {
  device(id: string): void;
  cell(code: string): void;
  event(id: string): void;
  level(level: AreaLevel, region: RegionFeatureProps | null): void;
}

export function createMap(container: HTMLElement, regions: RegionFeature[], home: string, basemap: SourceSpecification | null, on: MapCallbacks): SituationMap {
  const byCode = new Map(regions.map((r) => [r.properties.code, r]));
  const homeRegion = byCode.get(home) ?? regions[0];
  const homeBox = homeRegion ? bboxOf(homeRegion.geometry) : [0, 0, 1, 1];
  const map = new MapLibreMap({
    container,
    style: {
      version: 8,
      glyphs,
      sources: {
        ...(basemap ? { basemap } : {}),
        regions: { type: "geojson", data: { type: "FeatureCollection", features: regions } },
        areas: { type: "geojson", data: { type: "FeatureCollection", features: [] }, promoteId: "code" },
        devices: {
          type: "geojson", data: { type: "FeatureCollection", features: [] }, cluster: true, clusterRadius: 50, clusterMaxZoom,
          clusterProperties: { worst: ["max", ["get", "state"]] },
        },
        events: { type: "geojson", data: { type: "FeatureCollection", features: [] } },
        ...overlaySources(),
      },
      layers: [
        { id: "background", type: "background", paint: { "background-color": "#04101f" } },
        ...(basemap ? basemapLayers() : []),
        {
          id: "area-fill", type: "fill", source: "areas",
          paint: {
            "fill-color": match(["coalesce", ["feature-state", "health"], ["get", "health"]], healthColours, healthColours.normal!),
            "fill-opacity": ["case", ["==", ["coalesce", ["feature-state", "health"], ["get", "health"]], "normal"], basemap ? 0.04 : 0.22, basemap ? 0.22 : 0.6],
          },
        },
        { id: "area-line", type: "line", source: "areas", paint: { "line-color": "rgba(127, 211, 255, 0.35)", "line-width": 0.6 } },
        { id: "community-line", type: "line", source: "regions", minzoom: 12.5, filter: ["==", ["get", "level"], "community"], paint: { "line-color": "rgba(127, 211, 255, 0.45)", "line-width": 1 } },
        { id: "street-line", type: "line", source: "regions", filter: ["==", ["get", "level"], "street"], paint: { "line-color": "rgba(127, 211, 255, 0.6)", "line-width": 1.4 } },
        { id: "district-line", type: "line", source: "regions", filter: ["==", ["get", "level"], "district"], paint: { "line-color": "#7fd3ff", "line-width": 2.6 } },
        ...overlayLayers("under-devices"),
        ...deviceLayers(),
        {
          id: "event-halo", type: "circle", source: "events", filter: ["any", ["get", "overdue"], ["==", ["get", "urgency"], "emergency"]],
          paint: { "circle-color": "rgba(255, 77, 79, 0.25)", "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 10, 16, 22], "circle-blur": 0.4 },
        },
        {
          id: "event-points", type: "circle", source: "events",
          paint: {
            "circle-color": match(["get", "urgency"], urgencyColours, urgencyColours.normal!),
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 5, 16, 10],
            "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5,
          },
        },
        ...overlayLayers("top"),
        ...(basemap ? basemapLabels() : []) as LayerSpecification[],
      ],
    },
    localIdeographFontFamily: localFonts,
    bounds: homeBox as [number, number, number, number],
    fitBoundsOptions: { padding: 20 },
    attributionControl: false,
    maxZoom: 19,
    // Keeps the drawing buffer so a screenshot of the wall shows the map.
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  let fittedZoom = 11;
  let areaLevel: AreaLevel | null = null;
  let areaRequest = 0;
  const labels: Marker[] = [];

  function levelForZoom(zoom: number): AreaLevel {
    const z = zoom - fittedZoom;
    return z < 0.8 ? "district" : z < 1.6 ? "street" : z < 2.3 ? "community" : "cell";
  }

  function viewBox(): number[] {
    const b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
  }

  /** Loads the area layer for the view: child regions by zoom, unit cells once they are big enough to see. */
  async function loadAreas(): Promise<void> {
    const request = ++areaRequest;
    const level = levelForZoom(map.getZoom());
    const view = viewBox();
    // The grid API counts zoom in 256-pixel tiles; MapLibre's tiles are 512 pixels, one level apart.
    const zoom = Math.min(22, Math.floor(map.getZoom()) + 1);
    const parentLevel = { district: null, street: "district", community: "street", cell: null }[level];
    const parents = parentLevel === null
      ? [home]
      : regions.filter((r) => r.properties.level === parentLevel && r.properties.code.startsWith(home) && overlaps(bboxOf(r.geometry), view)).map((r) => r.properties.code);
    const query = (code: string) => level === "cell"
      ? `/api/grid/map?region=${code}&zoom=${Math.max(zoom, 14)}&bbox=${view.map((v) => v.toFixed(5)).join(",")}`
      : `/api/grid/map?region=${code}&zoom=${zoom}`;
    const answers = await Promise.all(parents.map(async (code) => {
      const response = await api(query(code));
      return response.ok ? ((await response.json()) as GeoJSON.FeatureCollection).features : [];
    }));
    if (request !== areaRequest) return;
    const features = answers.flat();
    (map.getSource("areas") as GeoJSONSource).setData({ type: "FeatureCollection", features });
    // The hub's cell health is fresher than the answer's; regions keep the answer's roll-up.
    map.removeFeatureState({ source: "areas" });
    if (level === "cell") {
      for (const f of features) {
        const code = String(f.properties?.code);
        const live = state.cells.get(code);
        if (live) map.setFeatureState({ source: "areas", id: code }, { health: live.health });
      }
    }
    areaLevel = level;
    container.dataset.areas = String(features.length);
    container.dataset.areaLevel = level;
    const centre = map.getCenter();
    const around = [centre.lng, centre.lat, centre.lng, centre.lat];
    const focused = parentLevel === null ? byCode.get(home) : regions.find((r) => r.properties.level === parentLevel && r.properties.code.startsWith(home) && overlaps(bboxOf(r.geometry), around));
    on.level(level, focused?.properties ?? null);
    showLabels();
  }

  function showLabels(): void {
    const level = levelForZoom(map.getZoom());
    const shown = level === "district" ? "district" : level === "street" ? "street" : null;
    labels.forEach((m) => { m.getElement().hidden = m.getElement().dataset.level !== shown; });
  }

  function relabel(): void {
    labels.forEach((m) => m.remove());
    labels.length = 0;
    for (const r of regions) {
      if (r.properties.level !== "district" && r.properties.level !== "street") continue;
      const label = document.createElement("div");
      label.className = `region-label ${r.properties.level}`;
      label.dataset.level = r.properties.level;
      label.textContent = lang() === "en" ? (r.properties.nameEn ?? r.properties.name) : r.properties.name;
      labels.push(new Marker({ element: label }).setLngLat(centreOf(bboxOf(r.geometry))).addTo(map));
    }
    showLabels();
  }

  let areaTimer = 0;
  function scheduleAreas(delay = 250): void {
    clearTimeout(areaTimer);
    areaTimer = window.setTimeout(() => void loadAreas(), delay);
  }

  map.on("load", () => {
    fittedZoom = map.getZoom();
    container.dataset.regions = String(regions.length);
    relabel();
    void loadAreas().then(() => { container.dataset.ready = "true"; });
  });
  map.on("moveend", () => scheduleAreas());
  map.on("click", "event-points", (e: MapMouseEvent & { features?: MapGeoJSONFeature[] }) => {
    const id = e.features?.[0]?.properties.id;
    if (typeof id === "string") on.event(id);
  });
  map.on("click", "area-fill", (e: MapMouseEvent & { features?: MapGeoJSONFeature[] }) => {
    if (map.queryRenderedFeatures(e.point, { layers: ["device-points", "device-clusters", "event-points"] }).length > 0) return;
    const feature = e.features?.[0];
    const code = feature?.properties.code as string | undefined;
    if (!feature || !code) return;
    if (areaLevel === "cell") on.cell(code);
    const box = bboxOf(feature.geometry as Geometry);
    map.fitBounds(box, { padding: 40, maxZoom: areaLevel === "cell" ? 17 : map.getZoom() + 3 });
  });
  for (const layer of ["device-points", "device-clusters", "event-points", "area-fill"]) {
    map.on("mouseenter", layer, () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", layer, () => { map.getCanvas().style.cursor = ""; });
  }

  const devices = createDeviceLayer(map, home, container, on.device);
  showResponders(map, home, container);
  map.on("load", () => void devices.reload());
  // The atlas is read again every minute; the hub's deltas keep states current in between.
  setInterval(() => void devices.reload(), 60_000);

  // The event layer redraws at most once a second, however many deltas arrive.
  let eventsDirty = false;
  setInterval(() => {
    if (!map.loaded() && !map.isStyleLoaded()) return;
    if (eventsDirty) {
      eventsDirty = false;
      const now = Date.now();
      (map.getSource("events") as GeoJSONSource).setData({ type: "FeatureCollection", features: [...state.events.values()].map((e) => eventFeature(e, now)) });
    }
  }, 1000);

  // Regions show roll-ups computed by the server; while they are shown, a burst of cell changes refreshes them.
  let lastRegionRefresh = 0;

  return {
    map,
    devices,
    refreshDevices: () => devices.update([...state.devices.values()]),
    refreshEvents: () => { eventsDirty = true; },
    recolourCells(codes) {
      if (areaLevel === "cell") {
        for (const code of codes) {
          const live = state.cells.get(code);
          if (live) map.setFeatureState({ source: "areas", id: code }, { health: live.health });
        }
      } else if (codes.length > 0 && Date.now() - lastRegionRefresh > 3000) {
        lastRegionRefresh = Date.now();
        scheduleAreas(0);
      }
    },
    focus(box, maxZoom = 17) {
      map.fitBounds(box as [number, number, number, number], { padding: 60, maxZoom, duration: 600 });
    },
    relabel,
  };
}

function eventFeature(e: SituationEvent, now: number): GeoJSON.Feature<GeoJSON.Point> {
  return {
    type: "Feature",
    geometry: { type: "Point", coordinates: e.location },
    properties: { id: e.id, urgency: e.urgency, state: e.state, overdue: e.deadline !== null && new Date(e.deadline).getTime() < now },
  };
}

export function legend(): HTMLElement[] {
  const item = (colour: string, text: string, dot = false) => {
    const row = document.createElement("div");
    const swatch = document.createElement("i");
    swatch.style.background = colour;
    if (dot) swatch.className = "dot";
    row.append(swatch, text);
    return row;
  };
  return [
    ...Object.entries(healthColours).map(([h, c]) => item(c, name("health", h))),
    ...Object.entries(urgencyColours).map(([u, c]) => item(c, name("urgency", u), true)),
  ];
}

export { bboxOf };
