// On-duty responders on the big screen's map: the positions their phones report (GET /api/responders), refreshed
// every 15 s, as a layer of its own on whatever map the big screen draws, so the map itself stays as it is.
import type { GeoJSONSource, Map as MapLibreMap } from "maplibre-gl";
import { getJson } from "../common/auth";

interface OnDutyResponder { username: string; department: string; location: [number, number]; at: string; cellCode: string }

const sourceId = "responders";
const refreshMs = 15_000;

/** Adds the responders layer once the map has loaded and keeps it current; returns how to stop. */
export function showResponders(map: MapLibreMap): () => void {
  let timer: number | undefined;
  const refresh = async () => {
    const responders = (await getJson<OnDutyResponder[]>("/api/responders")) ?? [];
    const data: GeoJSON.FeatureCollection<GeoJSON.Point> = {
      type: "FeatureCollection",
      features: responders.map((r) => ({
        type: "Feature",
        geometry: { type: "Point", coordinates: r.location },
        properties: { username: r.username, department: r.department, at: r.at },
      })),
    };
    (map.getSource(sourceId) as GeoJSONSource | undefined)?.setData(data);
    map.getContainer().dataset.responders = String(responders.length);
  };
  const add = () => {
    map.addSource(sourceId, { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "responders",
      type: "circle",
      source: sourceId,
      paint: { "circle-radius": 6, "circle-color": "#35c4ff", "circle-stroke-color": "#ffffff", "circle-stroke-width": 2 },
    });
    void refresh();
    timer = window.setInterval(() => void refresh(), refreshMs);
  };
  if (map.loaded()) add();
  else map.once("load", add);
  return () => window.clearInterval(timer);
}
