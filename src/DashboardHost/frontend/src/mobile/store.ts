// What the phone keeps in IndexedDB: the outbox of actions taken (photos included, as Blobs) until the engine has
// them, and the last synchronised copy of the user's cases, so the open tasks show without a connection.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export interface QueuedPhoto { blob: Blob; name: string; sha256?: string }

/** One action taken on the phone; its key is the Idempotency-Key the engine takes it once by. */
export interface QueuedAction {
  key: string;
  user: string;
  caseId: string;
  action: string;
  body: { reason?: string; assignee?: string; department?: string; ifAssignedTo?: string };
  photos: QueuedPhoto[];
  queuedAt: number;
  state: "pending" | "conflict";
  message?: string;
}

interface MobileDb extends DBSchema {
  outbox: { key: string; value: QueuedAction; indexes: { byTime: number } };
  cache: { key: string; value: { id: string; savedAt: number; data: unknown } };
}

let db: Promise<IDBPDatabase<MobileDb>> | null = null;

function open(): Promise<IDBPDatabase<MobileDb>> {
  db ??= openDB<MobileDb>("cityops-mobile", 1, {
    upgrade(d) {
      d.createObjectStore("outbox", { keyPath: "key" }).createIndex("byTime", "queuedAt");
      d.createObjectStore("cache", { keyPath: "id" });
    },
  });
  return db;
}

export async function queued(user: string): Promise<QueuedAction[]> {
  return (await (await open()).getAllFromIndex("outbox", "byTime")).filter((a) => a.user === user);
}

export async function putQueued(action: QueuedAction): Promise<void> {
  await (await open()).put("outbox", action);
}

export async function removeQueued(key: string): Promise<void> {
  await (await open()).delete("outbox", key);
}

export async function remember(id: string, data: unknown): Promise<void> {
  await (await open()).put("cache", { id, savedAt: Date.now(), data });
}

export async function recall<T>(id: string): Promise<{ savedAt: number; data: T } | null> {
  const found = await (await open()).get("cache", id);
  return found ? { savedAt: found.savedAt, data: found.data as T } : null;
}
