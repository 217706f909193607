// Every action taken on the phone goes through the outbox: stored in IndexedDB first, then sent, its photos before
// it; sent again after a failed connection with the same Idempotency-Key, so the engine takes it exactly once.
// A refusal (the case reassigned, its state changed) stays in the outbox as a conflict told in words.
import { api, claims } from "../common/auth";
import { putQueued, queued, removeQueued, type QueuedAction, type QueuedPhoto } from "./store";
import { mt } from "./texts";

export type OutboxEvent =
  | { kind: "sent"; action: QueuedAction }
  | { kind: "conflict"; action: QueuedAction }
  | { kind: "changed" };

const listeners: ((e: OutboxEvent) => void)[] = [];
let flushing: Promise<void> | null = null;
let retryTimer: number | undefined;
let retryDelay = 2000;

export function onOutbox(listener: (e: OutboxEvent) => void): void {
  listeners.push(listener);
}

function tell(e: OutboxEvent): void {
  listeners.forEach((l) => l(e));
}

function me(): string {
  return claims()?.sub ?? "";
}

export function pendingActions(): Promise<QueuedAction[]> {
  return queued(me());
}

/** Queues an action (with its photos) and tries to send it at once; the answer comes through onOutbox. */
export async function enqueue(caseId: string, action: string, body: QueuedAction["body"], photos: File[] = []): Promise<QueuedAction> {
  const item: QueuedAction = {
    key: crypto.randomUUID(), user: me(), caseId, action, body,
    photos: photos.map((f): QueuedPhoto => ({ blob: f, name: f.name || "photo.jpg" })),
    queuedAt: Date.now(), state: "pending",
  };
  await putQueued(item);
  tell({ kind: "changed" });
  void flush();
  return item;
}

export async function dismiss(key: string): Promise<void> {
  await removeQueued(key);
  tell({ kind: "changed" });
}

/** Sends what is pending, oldest first, one at a time; a lost connection stops the round and schedules the next. */
export function flush(): Promise<void> {
  flushing ??= (async () => {
    for (const item of await queued(me())) {
      if (item.state !== "pending") continue;
      const outcome = await send(item);
      if (outcome === "unreachable") {
        scheduleRetry();
        return;
      }
    }
    retryDelay = 2000;
  })().finally(() => { flushing = null; });
  return flushing;
}

/** The connection is back: send now, and start the waits between failed rounds short again. */
export function retryNow(): Promise<void> {
  retryDelay = 2000;
  window.clearTimeout(retryTimer);
  return flush();
}

function scheduleRetry(): void {
  window.clearTimeout(retryTimer);
  retryTimer = window.setTimeout(() => void flush(), retryDelay);
  retryDelay = Math.min(retryDelay * 2, 30_000);
}

type Outcome = "sent" | "conflict" | "unreachable";

async function send(item: QueuedAction): Promise<Outcome> {
  try {
    for (const photo of item.photos) {
      if (photo.sha256) continue;
      const form = new FormData();
      form.append("file", photo.blob, photo.name);
      const uploaded = await api(`/api/events/${encodeURIComponent(item.caseId)}/evidence`, { method: "POST", body: form });
      if (!uploaded.ok) return await conflict(item, uploaded, mt("conflictPhoto"));
      // Photos are stored by their hash, so one sent twice is kept once; remembering it saves sending it again.
      photo.sha256 = ((await uploaded.json()) as { sha256: string }).sha256;
      await putQueued(item);
    }
    const attachments = item.photos.map((p) => p.sha256!);
    const response = await api(`/api/events/${encodeURIComponent(item.caseId)}/actions`, {
      method: "POST",
      headers: { "Idempotency-Key": item.key },
      body: JSON.stringify({ action: item.action, ...item.body, ...(attachments.length ? { attachments } : {}) }),
    });
    if (response.status === 200 || response.status === 202) {
      await removeQueued(item.key);
      tell({ kind: "sent", action: item });
      return "sent";
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) return "unreachable";
    return await conflict(item, response, "");
  } catch {
    // fetch rejects only when no answer came: offline, or the answer was lost on the way.
    return "unreachable";
  }
}

async function conflict(item: QueuedAction, response: Response, prefix: string): Promise<Outcome> {
  if (response.status >= 500) return "unreachable";
  item.state = "conflict";
  item.message = prefix + (await conflictText(response));
  await putQueued(item);
  tell({ kind: "conflict", action: item });
  return "conflict";
}

/** A refusal in words the person in the street understands, with the engine's own sentence after it. */
export async function conflictText(response: Response): Promise<string> {
  let problem: { title?: string; detail?: string; refusal?: string } = {};
  try {
    problem = (await response.json()) as typeof problem;
  } catch {
    problem = {};
  }
  const said = problem.detail ?? problem.title ?? `${response.status}`;
  const words = problem.refusal === "reassigned" ? mt("conflictReassigned")
    : problem.refusal === "notAllowedInState" ? mt("conflictState")
      : response.status === 403 ? mt("conflictScope")
        : response.status === 404 ? mt("conflictGone")
          : "";
  return words ? `${words}（${said}）` : said;
}
