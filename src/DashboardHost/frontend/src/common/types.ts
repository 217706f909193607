// The engine's HTTP and hub contracts (docs/architecture.md, Contracts) as the pages use them.
export type Health = "normal" | "attention" | "warning" | "critical";
export type Urgency = "normal" | "urgent" | "emergency";
export type Severity = "minor" | "major" | "critical";
export type EventState = "reported" | "registered" | "rejected" | "dispatched" | "accepted" | "returned"
  | "handled" | "verified" | "closed" | "suspended" | "merged";
export type Escalation = "none" | "dispatcher" | "departmentHead" | "commandCentre";
export type LonLat = [number, number];

export const eventStates: EventState[] = ["reported", "registered", "rejected", "dispatched", "accepted", "returned",
  "handled", "verified", "closed", "suspended", "merged"];

/** States in which a case is finished and leaves the live lists: the engine's, filled by loadDomainRules (common/domain.ts). */
export const finalStates = new Set<string>();

export interface DeviceAlarm { kind: string; severity: Severity; raisedAt: string; metric?: string | null; value?: number | null }

export interface SituationDevice {
  id: string; kind: string; name: string; location: LonLat; cellCode: string; online: boolean; lastSeen: string | null;
  values: Record<string, number>; alarms: DeviceAlarm[];
}

export interface SituationCell {
  code: string; health: Health; devicesOnline: number; devices: number;
  alarms: { minor: number; major: number; critical: number }; openEvents: number; overdueEvents: number;
}

export interface SituationEvent {
  id: string; category: string; categoryName?: string; urgency: Urgency; state: EventState; location: LonLat; cellCode: string;
  department: string | null; assignee: string | null; deadline: string | null; escalation: Escalation; reports: number;
  reportedAt: string; updatedAt: string; description: string | null; address?: string | null;
}

export interface SituationAlarm { deviceId: string; kind: string; severity: Severity; raisedAt: string; cellCode: string; location: LonLat }

export interface SituationFrame {
  seq: number; region?: string;
  devices?: SituationDevice[]; cells?: SituationCell[]; events?: SituationEvent[]; alarms?: SituationAlarm[];
  kpis?: Kpis;
}

export interface EventSummary extends SituationEvent {
  categoryName: string; categoryNameEn?: string; address: string | null; channel: string; stage: string | null; overdue?: boolean;
}

export interface AuditEntry {
  sequence: number; at: string; actor: string; role: string; action: string; reason: string | null;
  stateBefore: string | null; stateAfter: string; attachmentSha256s: string[]; origin: string | null;
  details: Record<string, unknown> | null; previousHash: string; hash: string;
  /** "sha256" or "sm3" (国密 mode); null in entries written before entries recorded it (SHA-256). */
  hashAlgorithm?: string | null;
  /** In 国密 mode, the SM3 digests of the attachments, in their order. */
  attachmentSm3s?: string[] | null;
}

export interface EventDetail extends EventSummary {
  suspendedFrom: string | null; reporter: string | null; handler: string | null; reworks: number; mergedInto: string | null;
  duplicates: string[]; photos: string[]; escalations: { stage: string; level: string; at: string; deadline: string }[];
  pendingSuspension: { requestedBy: string; reason: string; at: string } | null; allowedActions: string[]; timeline: AuditEntry[];
}

export interface AuditTrail { entries: AuditEntry[]; verification: { isValid: boolean; index: number | null; kind: string | null; detail: string | null } }

export interface Catalogue {
  categories: { code: string; name: string; nameEn: string; family: string; group: string; urgency: Urgency }[];
  departments: { code: string; name: string; nameEn: string }[];
}

export interface Rate { numerator: number; denominator: number; value: number | null }

export interface Kpis {
  rates?: Partial<Record<"registration" | "onTimeDispatch" | "onTimeHandling" | "closure" | "rework" | "dispatchAccuracy", Rate>>;
  overdue?: number;
  meanStageSeconds?: Partial<Record<"register" | "dispatch" | "handle" | "verify", Rate>>;
  [key: string]: unknown;
}

export interface DeviceDetail extends SituationDevice {
  valueTimes: Record<string, string>;
  video: { code: string; scene: string; industry: string; sharingScope: string; streamUrl: string; latestSnapshot: string | null; presets: number[] } | null;
  modules: string[] | null;
  /** The commands this device accepts (DeviceCommands on the server): its kind's, less those a pole has no module for. */
  commands: string[];
}

export interface HistoryPoint { at: string; average: number; min: number; max: number; count: number }

export interface RegionFeatureProps { code: string; name: string; nameEn?: string | null; level: string; parent: string | null }

export interface Situation {
  health: Health; devices: number; devicesOnline: number; onlineRatio: number | null;
  alarms: { minor: number; major: number; critical: number };
  events: { open: number; overdue: number; openEmergency: number; overdueUrgent: number };
}

export interface RegionSummary { code: string; name: string; nameEn: string | null; bbox: number[]; centroid: LonLat; situation: Situation }
export interface CellSummary { code: string; community: string; bbox: number[]; centroid: LonLat; situation: Situation }
