// Live assignments: the situation hub sends each user's own "Assignment" messages to every connection of that user
// (no region subscription needed), within the feed's 100 ms batches; shown on the page and, where the user allowed
// it, as a notification of the browser.
import { HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import { freshToken } from "../common/auth";
import type { EventSummary, Schemas } from "../common/types";
import { mt, type MobileTextKey } from "./texts";

export type AssignmentChange = Schemas["AssignmentNotice"]["change"];

/** The hub's Assignment message; its case is a summary as GET /api/events gives it. */
export interface AssignmentNotice { change: AssignmentChange; event: EventSummary }

const titles: Record<AssignmentChange, MobileTextKey> = {
  assigned: "assignedToYou", reassignedAway: "reassignedAway", escalated: "escalated", updated: "updated",
};

export function noticeTitle(change: AssignmentChange): string {
  return mt(titles[change]);
}

export function connectAssignments(onNotice: (n: AssignmentNotice) => void, onReconnected: () => void): void {
  const connection = new HubConnectionBuilder()
    .withUrl("/hubs/situation", { accessTokenFactory: freshToken })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (ctx) => Math.min(1000 * 2 ** ctx.previousRetryCount, 15000) })
    .configureLogging(LogLevel.None)
    .build();
  connection.on("Assignment", (notice: AssignmentNotice) => {
    onNotice(notice);
    notify(notice);
  });
  connection.onreconnected(onReconnected);
  connection.onclose(() => setTimeout(start, 5000));
  async function start(): Promise<void> {
    try {
      await connection.start();
      document.body.dataset.live = "true";
      onReconnected();
    } catch {
      setTimeout(start, 5000);
    }
  }
  void start();
}

function notify(n: AssignmentNotice): void {
  if (!("Notification" in window) || Notification.permission !== "granted" || n.change === "updated") return;
  const body = `${n.event.id} ${n.event.categoryName}${n.event.deadline ? ` · ${mt("deadline")} ${new Date(n.event.deadline).toLocaleString()}` : ""}`;
  // On a phone only the service worker may show notifications; on a desk the page may too.
  void navigator.serviceWorker?.getRegistration("/m/").then((r) => {
    if (r) return r.showNotification(noticeTitle(n.change), { body, tag: n.event.id, data: { url: `/m/#case/${n.event.id}` } });
    new Notification(noticeTitle(n.change), { body, tag: n.event.id });
    return undefined;
  }).catch(() => undefined);
}

export async function askNotifications(): Promise<NotificationPermission | "unsupported"> {
  if (!("Notification" in window)) return "unsupported";
  return Notification.permission === "default" ? Notification.requestPermission() : Notification.permission;
}
