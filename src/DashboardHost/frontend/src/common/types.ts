// The engine's HTTP and hub contracts (docs/architecture.md, Contracts) as the pages use them: names for the types
// generated from the engine's OpenAPI document (src/api/schema.d.ts, written by the build from src/api/openapi.json;
// never edited by hand), so that a change of the engine's shapes that the pages do not follow fails their type check.
import type { components } from "../api/schema";

/** Every schema of the engine's OpenAPI document, by name. */
export type Schemas = components["schemas"];
type Frame = Schemas["SituationFrame"];

export type Health = Schemas["HealthLevel"];
export type Urgency = Schemas["EventUrgency"];
export type Severity = Schemas["AlarmSeverity"];
export type EventState = Schemas["EventState"];
export type Escalation = Schemas["EscalationLevel"];
/** A point as the engine writes it: [longitude, latitude]. */
export type LonLat = [number, number];

export const eventStates: EventState[] = ["reported", "registered", "rejected", "dispatched", "accepted", "returned",
  "handled", "verified", "closed", "suspended", "merged"];

/** States in which a case is finished and leaves the live lists: the engine's, filled by loadDomainRules (common/domain.ts). */
export const finalStates = new Set<string>();

/** The engine writes points as arrays of two numbers, which the document can only call number[]. */
type Located<T extends { location: number[] }> = Omit<T, "location"> & { location: LonLat };
type Centred<T extends { centroid: number[] }> = Omit<T, "centroid"> & { centroid: LonLat };

/** The hub's messages (SituationHub: Snapshot and Delta). */
export type SituationDevice = Located<Frame["devices"][number]>;
export type SituationCell = Frame["cells"][number];
export type SituationAlarm = Located<Frame["alarms"][number]>;
export type DeviceAlarm = Schemas["DeviceAlarm"];

export type EventSummary = Located<Schemas["EventSummaryResponse"]>;
/** A case on the big screen: from the hub, or from GET /api/events with its category's name and address. */
export type SituationEvent = Located<Frame["events"][number]> & Partial<Pick<EventSummary, "categoryName" | "address">>;
export type SituationFrame = Omit<Frame, "devices" | "events" | "alarms">
  & { devices: SituationDevice[]; events: SituationEvent[]; alarms: SituationAlarm[] };
export type AuditEntry = Schemas["AuditEntry"];
/** The detail carries its summary's fields (EventDetailResponse derives from EventSummaryResponse). */
export type EventDetail = Omit<Schemas["EventDetailResponse"], keyof EventSummary> & EventSummary;
export type AuditTrail = Schemas["AuditResponse"];
export type Catalogue = Schemas["CatalogueResponse"];
export type Rate = Schemas["KpiRatio"];
export type Kpis = Schemas["KpiResponse"];
export type DeviceDetail = Located<Schemas["DeviceResponse"]>;
export type HistoryPoint = Schemas["HistoryPoint"];
export type Situation = Schemas["SituationResponse"];
export type RegionSummary = Centred<Schemas["RegionResponse"]>;
export type CellSummary = Centred<Schemas["CellResponse"]>;

/** Properties of a region in the grid's map (GET /api/grid/map, GeoJSON, which the OpenAPI document does not describe). */
export interface RegionFeatureProps { code: string; name: string; nameEn?: string | null; level: string; parent: string | null }
