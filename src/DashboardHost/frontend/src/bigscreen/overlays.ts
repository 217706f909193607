// Map layers over the situation beyond devices and live cases: the heat of alarms and cases over a chosen
// window, the replay's own points, the flash of a new critical case, and responders. Each has its own
// GeoJSON source so its module can fill it without knowing the others.
import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap, SourceSpecification } from "maplibre-gl";

const empty = (): GeoJSON.FeatureCollection => ({ type: "FeatureCollection", features: [] });

/** The overlay sources; "responders" is filled by responders.ts. */
export function overlaySources(): Record<string, SourceSpecification> {
  return {
    heat: { type: "geojson", data: empty() },
    replay: { type: "geojson", data: empty() },
    alerts: { type: "geojson", data: empty() },
    responders: { type: "geojson", data: empty() },
  };
}

export const happeningColours: Record<string, string> = {
  caseOpened: "#ff4d4f", caseClosed: "#3ddc84", alarm: "#ff9f1a", deviceSilent: "#8a9bb0",
};

export function overlayLayers(where: "under-devices" | "top"): LayerSpecification[] {
  if (where === "under-devices") {
    return [{
      id: "heat", type: "heatmap", source: "heat", layout: { visibility: "none" },
      paint: {
        "heatmap-weight": ["coalesce", ["get", "weight"], 1],
        "heatmap-intensity": ["interpolate", ["linear"], ["zoom"], 9, 0.6, 15, 2],
        "heatmap-radius": ["interpolate", ["linear"], ["zoom"], 9, 12, 15, 40],
        "heatmap-opacity": 0.75,
        "heatmap-color": ["interpolate", ["linear"], ["heatmap-density"],
          0, "rgba(0,0,0,0)", 0.2, "#1d4f91", 0.4, "#1fa2c7", 0.6, "#f5d33b", 0.8, "#ff9f1a", 1, "#ff4d4f"],
      },
    }];
  }
  return [
    {
      id: "responders", type: "circle", source: "responders",
      paint: { "circle-color": "#3ddc84", "circle-radius": 6, "circle-stroke-color": "#04101f", "circle-stroke-width": 2 },
    },
    {
      id: "replay-points", type: "circle", source: "replay",
      paint: {
        "circle-color": ["match", ["get", "kind"], ...Object.entries(happeningColours).flat(), "#35c4ff"] as unknown as string,
        "circle-radius": ["interpolate", ["linear"], ["zoom"], 9, ["case", ["==", ["get", "kind"], "caseOpened"], 7, 4], 16, ["case", ["==", ["get", "kind"], "caseOpened"], 14, 8]],
        "circle-opacity": ["get", "fade"],
        "circle-stroke-color": "#ffffff", "circle-stroke-width": ["case", ["==", ["get", "kind"], "caseOpened"], 1.5, 0],
      },
    },
    {
      id: "alert-flash", type: "circle", source: "alerts",
      paint: { "circle-color": "rgba(255, 77, 79, 0.35)", "circle-radius": 18, "circle-stroke-color": "#ff4d4f", "circle-stroke-width": 3 },
    },
  ];
}

export function setOverlay(map: MapLibreMap, source: "heat" | "replay" | "alerts" | "responders", features: GeoJSON.Feature[]): void {
  (map.getSource(source) as GeoJSONSource | undefined)?.setData({ type: "FeatureCollection", features });
}

export function point(lon: number, lat: number, properties: Record<string, unknown>): GeoJSON.Feature<GeoJSON.Point> {
  return { type: "Feature", geometry: { type: "Point", coordinates: [lon, lat] }, properties };
}
