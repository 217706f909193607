// Case work over the events API: lifecycle actions and evidence photos.
import { api, problemText } from "./auth";
import type { EventDetail, Schemas } from "./types";

/** POST /api/events/{id}/actions: the action and what it needs; the engine reads a missing field as null. */
export type ActionRequest = Partial<Schemas["ActionRequest"]> & { action: string };

export type ActionResult =
  | { kind: "done"; event: EventDetail }
  | { kind: "awaitingApproval"; event: EventDetail }
  | { kind: "refused"; status: number; detail: string; allowedActions: string[] | null };

export async function act(id: string, request: ActionRequest): Promise<ActionResult> {
  const response = await api(`/api/events/${encodeURIComponent(id)}/actions`, { method: "POST", body: JSON.stringify(request) });
  if (response.status === 200) return { kind: "done", event: (await response.json()) as EventDetail };
  if (response.status === 202) return { kind: "awaitingApproval", event: ((await response.json()) as { event: EventDetail }).event };
  const clone = response.clone();
  let allowed: string[] | null = null;
  try {
    allowed = ((await clone.json()) as { allowedActions?: string[] }).allowedActions ?? null;
  } catch {
    allowed = null;
  }
  return { kind: "refused", status: response.status, detail: await problemText(response), allowedActions: allowed };
}

async function upload(path: string, file: File): Promise<string> {
  const body = new FormData();
  body.append("file", file);
  const response = await api(path, { method: "POST", body });
  if (!response.ok) throw new Error(await problemText(response));
  return ((await response.json()) as { sha256: string }).sha256;
}

/** Uploads one photo as evidence of the case; returns its SHA-256, which actions then cite. */
export function uploadEvidence(id: string, file: File): Promise<string> {
  return upload(`/api/events/${encodeURIComponent(id)}/evidence`, file);
}

/** Uploads one photo (or PDF) before a report exists; returns its SHA-256, which the report then names in photos. */
export function uploadReportEvidence(file: File): Promise<string> {
  return upload("/api/evidence", file);
}

/** Actions whose request needs a reason (the audit trail records why): the engine's, filled by loadDomainRules (common/domain.ts). */
export const needsReason = new Set<string>();
