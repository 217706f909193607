// Every device on the situation map: the engine's device atlas (GET /api/map/devices: place and state of
// each registered device) clustered in MapLibre's worker (supercluster) and coloured by each cluster's worst
// state; from street zoom on, each device with its kind's icon in its state's colour. The hub's deltas
// update states between atlas reads. Filters by kind and state redraw from memory.
import { Marker, type GeoJSONSource, type LayerSpecification, type Map as MapLibreMap, type MapGeoJSONFeature, type MapMouseEvent } from "maplibre-gl";
import { getJson } from "../common/auth";
import { localFonts } from "./basemap";
import type { Schemas, SituationDevice } from "../common/types";

export type DeviceMarks = Schemas["DeviceMarks"];

/** Best to worst, as the engine's MarkState; a cluster shows its worst. */
export const markStates = ["normal", "offline", "minor", "major", "critical"] as const;
export type MarkState = (typeof markStates)[number];
export const markColours: Record<MarkState, string> = { normal: "#35c4ff", offline: "#6b7b8c", minor: "#d9b92a", major: "#ff9f1a", critical: "#ff4d4f" };

/** One character per kind on its icon, as the wall's operators read them. */
const kindMarks: Record<string, string> = {
  smartPole: "杆", camera: "摄", waterLevel: "水", manhole: "井", gas: "燃", airQuality: "气", noise: "声", rainGauge: "雨", hydrant: "栓", nvr: "录",
};

function textScale(): number {
  return Math.max(1, parseFloat(getComputedStyle(document.body).fontSize) / 16);
}

/** Street zoom: single devices from here on, clusters below. */
export const clusterMaxZoom = 14;

interface Mark { id: string; kind: string; lon: number; lat: number; cell: string; state: number }

export interface DeviceLayer {
  /** Loads the atlas again (the engine reads its grains at most every 10 s). */
  reload(): Promise<void>;
  /** States from the hub's deltas. */
  update(devices: SituationDevice[]): void;
  setFilter(kinds: Set<string> | null, states: Set<MarkState> | null): void;
  kinds(): string[];
  count(): number;
}

function stateOf(d: SituationDevice): number {
  if (d.alarms.length > 0) {
    const worst = d.alarms.map((a) => a.severity).sort((a, b) => markStates.indexOf(b) - markStates.indexOf(a))[0]!;
    return markStates.indexOf(worst);
  }
  return d.online ? 0 : 1;
}

/** Icons drawn on a canvas with the screen's font: no sprite sheet to fetch. */
function addIcons(map: MapLibreMap, kinds: string[]): void {
  const size = 40;
  for (const kind of kinds) for (let s = 0; s < markStates.length; s++) {
    const id = `device-${kind}-${s}`;
    if (map.hasImage(id)) continue;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const g = canvas.getContext("2d")!;
    g.beginPath();
    g.arc(size / 2, size / 2, size / 2 - 3, 0, Math.PI * 2);
    g.fillStyle = markColours[markStates[s]!];
    g.fill();
    g.lineWidth = 3;
    g.strokeStyle = "#04101f";
    g.stroke();
    g.fillStyle = s === 1 ? "#d8e2ec" : "#04101f";
    g.font = `bold 22px ${localFonts}`;
    g.textAlign = "center";
    g.textBaseline = "middle";
    g.fillText(kindMarks[kind] ?? "·", size / 2, size / 2 + 1);
    map.addImage(id, g.getImageData(0, 0, size, size), { pixelRatio: 2 });
  }
}

export const deviceLayers = (): LayerSpecification[] => [
  {
    id: "device-clusters", type: "circle", source: "devices", filter: ["has", "point_count"],
    paint: {
      "circle-color": ["match", ["get", "worst"], 4, markColours.critical, 3, markColours.major, 2, markColours.minor, 1, markColours.offline, markColours.normal],
      "circle-opacity": 0.8,
      "circle-radius": ["interpolate", ["linear"], ["get", "point_count"], 2, 9 * textScale(), 50, 14 * textScale(), 500, 22 * textScale(), 5000, 30 * textScale()],
      "circle-stroke-color": "#e9f6ff", "circle-stroke-width": 1,
    },
  },
  {
    id: "device-points", type: "symbol", source: "devices", filter: ["!", ["has", "point_count"]],
    layout: {
      "icon-image": ["concat", "device-", ["get", "kind"], "-", ["to-string", ["get", "state"]]],
      // Icons grow with the page's text, which grows with the wall (common/charts.ts fontPx).
      "icon-size": ["interpolate", ["linear"], ["zoom"], 13, 0.7 * textScale(), 17, 1.1 * textScale()],
      "icon-allow-overlap": true,
      "symbol-sort-key": ["get", "state"],
    },
  },
];

/** A cluster's count, short enough for its circle (万 = ten thousand). */
function countText(n: number): string {
  return n >= 10000 ? `${(n / 10000).toFixed(1)}万` : String(n);
}

export function createDeviceLayer(map: MapLibreMap, region: string, container: HTMLElement, onDevice: (id: string) => void): DeviceLayer {
  const marks = new Map<string, Mark>();
  let kindFilter: Set<string> | null = null;
  let stateFilter: Set<MarkState> | null = null;
  let dirty = false;
  const countMarkers = new Map<number, Marker>();

  function features(): GeoJSON.FeatureCollection<GeoJSON.Point> {
    const shown: GeoJSON.Feature<GeoJSON.Point>[] = [];
    for (const m of marks.values()) {
      if (kindFilter && !kindFilter.has(m.kind)) continue;
      if (stateFilter && !stateFilter.has(markStates[m.state]!)) continue;
      shown.push({ type: "Feature", geometry: { type: "Point", coordinates: [m.lon, m.lat] }, properties: { id: m.id, kind: m.kind, state: m.state } });
    }
    container.dataset.devicesShown = String(shown.length);
    return { type: "FeatureCollection", features: shown };
  }

  function redraw(): void {
    dirty = false;
    (map.getSource("devices") as GeoJSONSource | undefined)?.setData(features());
  }

  /** Counts over the clusters in view, as HTML labels: at most a few hundred at city zoom. */
  function labelClusters(): void {
    if (!map.getLayer("device-clusters")) return;
    const seen = new Set<number>();
    for (const f of map.queryRenderedFeatures({ layers: ["device-clusters"] }).slice(0, 400)) {
      const id = f.properties.cluster_id as number;
      if (seen.has(id) || f.geometry.type !== "Point") continue;
      seen.add(id);
      let marker = countMarkers.get(id);
      if (!marker) {
        const label = document.createElement("div");
        label.className = "cluster-count";
        marker = new Marker({ element: label }).setLngLat(f.geometry.coordinates as [number, number]).addTo(map);
        countMarkers.set(id, marker);
      }
      marker.getElement().textContent = countText(f.properties.point_count as number);
    }
    for (const [id, marker] of countMarkers) if (!seen.has(id)) { marker.remove(); countMarkers.delete(id); }
    container.dataset.clusters = String(seen.size);
  }

  map.on("idle", labelClusters);
  map.on("click", "device-points", (e: MapMouseEvent & { features?: MapGeoJSONFeature[] }) => {
    const id = e.features?.[0]?.properties.id;
    if (typeof id === "string") onDevice(id);
  });
  map.on("click", "device-clusters", async (e: MapMouseEvent & { features?: MapGeoJSONFeature[] }) => {
    const feature = e.features?.[0];
    if (!feature || feature.geometry.type !== "Point") return;
    const zoom = await (map.getSource("devices") as GeoJSONSource).getClusterExpansionZoom(feature.properties.cluster_id as number);
    map.easeTo({ center: feature.geometry.coordinates as [number, number], zoom: Math.max(zoom, map.getZoom() + 1) });
  });
  // A storm changes many states a second; the layer is rebuilt at most every 2 seconds.
  setInterval(() => { if (dirty) redraw(); }, 2000);

  return {
    async reload() {
      const atlas = await getJson<DeviceMarks>(`/api/map/devices?region=${encodeURIComponent(region)}`);
      if (!atlas) return;
      addIcons(map, atlas.kinds);
      marks.clear();
      for (let i = 0; i < atlas.id.length; i++) {
        marks.set(atlas.id[i]!, { id: atlas.id[i]!, kind: atlas.kinds[atlas.kind[i]!]!, lon: atlas.longitude[i]!, lat: atlas.latitude[i]!, cell: atlas.cell[i]!, state: atlas.state[i]! });
      }
      container.dataset.devices = String(marks.size);
      redraw();
    },
    update(devices) {
      for (const d of devices) {
        const known = marks.get(d.id);
        const state = stateOf(d);
        if (known && known.state !== state) { known.state = state; dirty = true; }
        else if (!known) { marks.set(d.id, { id: d.id, kind: d.kind, lon: d.location[0], lat: d.location[1], cell: d.cellCode, state }); dirty = true; }
      }
    },
    setFilter(kinds, states) {
      kindFilter = kinds;
      stateFilter = states;
      redraw();
    },
    kinds: () => [...new Set([...marks.values()].map((m) => m.kind))].sort(),
    count: () => marks.size,
  };
}
