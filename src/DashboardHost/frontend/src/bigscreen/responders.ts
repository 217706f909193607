// On-duty responders on the map (GET /api/map/responders: each department's roster with the last reported
// position), read every 15 seconds into the "responders" overlay. A live feed of positions can replace the
// polling here without touching the other layers.
import type { Map as MapLibreMap } from "maplibre-gl";
import { getJson } from "../common/auth";
import type { Schemas } from "../common/types";
import { point, setOverlay } from "./overlays";

export type ResponderMark = Schemas["ResponderMark"];

export function showResponders(map: MapLibreMap, region: string, container: HTMLElement): void {
  const load = async () => {
    const found = await getJson<ResponderMark[]>(`/api/map/responders?region=${encodeURIComponent(region)}`);
    if (!found) return;
    setOverlay(map, "responders", found.map((r) => point(r.longitude, r.latitude, { id: r.username, username: r.username, department: r.department })));
    container.dataset.responders = String(found.length);
  };
  map.on("load", () => void load());
  setInterval(() => void load(), 15_000);
}
