// What the big screen knows of the city, fed by the hub's Snapshot and Delta frames (and HTTP when the hub is away).
import type { FeedState } from "../common/hub";
import { finalStates, type Catalogue, type Kpis, type SituationAlarm, type SituationCell, type SituationDevice, type SituationEvent, type SituationFrame } from "../common/types";

export const state = {
  devices: new Map<string, SituationDevice>(),
  cells: new Map<string, SituationCell>(),
  events: new Map<string, SituationEvent>(),
  alarms: [] as SituationAlarm[],
  /** Today's KPIs of the region: from the hub's frames, or GET /api/kpis while the hub is away. */
  kpis: null as Kpis | null,
  catalogue: null as Catalogue | null,
  feed: "offline" as FeedState,
  /** Whether a Snapshot has arrived since the page opened: until then the counts come from HTTP. */
  hasSnapshot: false,
};

const tickerLength = 40;

/** Applies a frame; returns what it changed so the views redraw only that. */
export function apply(frame: SituationFrame, snapshot: boolean): { cells: string[]; devices: boolean; events: boolean; alarms: SituationAlarm[] } {
  if (snapshot) {
    state.devices.clear();
    state.cells.clear();
    state.events.clear();
    state.hasSnapshot = true;
  }
  for (const d of frame.devices ?? []) state.devices.set(d.id, d);
  for (const c of frame.cells ?? []) state.cells.set(c.code, c);
  for (const e of frame.events ?? []) {
    if (finalStates.has(e.state)) state.events.delete(e.id);
    else state.events.set(e.id, e);
  }
  // Cases the user may no longer see (reassigned out of their department or region) come by id alone.
  for (const id of frame.withdrawn ?? []) state.events.delete(id);
  // A frame carries the KPIs whole, and a delta only when they changed.
  if (frame.kpis) state.kpis = frame.kpis;

  let raised = frame.alarms ?? [];
  if (snapshot && raised.length === 0) {
    // A snapshot may carry only the devices' standing alarms; the ticker starts from those.
    raised = [...state.devices.values()].flatMap((d) => d.alarms.map((a) => ({
      deviceId: d.id, kind: a.kind, severity: a.severity, raisedAt: a.raisedAt, cellCode: d.cellCode, location: d.location,
    })));
  }
  const sorted = [...raised].sort((a, b) => b.raisedAt.localeCompare(a.raisedAt));
  state.alarms = snapshot ? sorted.slice(0, tickerLength) : [...sorted, ...state.alarms].slice(0, tickerLength);
  return {
    cells: (frame.cells ?? []).map((c) => c.code),
    devices: snapshot || (frame.devices?.length ?? 0) > 0,
    events: snapshot || (frame.events?.length ?? 0) > 0 || (frame.withdrawn?.length ?? 0) > 0,
    alarms: snapshot ? [] : sorted,
  };
}

export function categoryName(code: string, fallback?: string | null): string {
  const c = state.catalogue?.categories.find((x) => x.code === code);
  if (!c) return fallback ?? code;
  return document.documentElement.lang === "en" ? c.nameEn : c.name;
}
