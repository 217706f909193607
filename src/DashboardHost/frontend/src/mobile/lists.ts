// The phone's lists: a responder's own tasks, the cases waiting for an inspector, a dispatcher's queue. Each list is
// kept in IndexedDB when it loads, and shown from there when there is no connection.
import { api, problemText } from "../common/auth";
import { el } from "../common/dom";
import { countdown, time } from "../common/format";
import { name, t } from "../common/i18n";
import type { EventSummary } from "../common/types";
import { recall, remember, type QueuedAction } from "./store";
import { mt, type MobileTextKey } from "./texts";

export interface Loaded { cases: EventSummary[]; cached: boolean; problem?: string }

/** GETs a list, keeping it for offline use; without a connection, the last copy. */
export async function load(path: string, cacheId: string): Promise<Loaded> {
  try {
    const response = await api(path);
    if (!response.ok) return { cases: [], cached: false, problem: await problemText(response) };
    const cases = (await response.json()) as EventSummary[];
    await remember(cacheId, cases);
    return { cases, cached: false };
  } catch {
    return { cases: (await recall<EventSummary[]>(cacheId))?.data ?? [], cached: true };
  }
}

export function card(e: EventSummary, pending: QueuedAction[]): HTMLElement {
  const left = countdown(e.deadline);
  const waiting = pending.filter((p) => p.caseId === e.id);
  const item = el("li", { class: left.overdue ? "card overdue-row" : "card", "data-id": e.id, "data-state": e.state, tabindex: "0" },
    el("div", { class: "head" }, el("b", {}, e.categoryName || e.category), el("span", { class: `badge ${e.urgency}` }, name("urgency", e.urgency))),
    el("div", {}, `${e.id} · ${name("state", e.state)}`,
      waiting.length ? el("span", { class: "badge pending" }, ` ${mt("pending")}：${waiting.map((w) => name("action", w.action)).join("、")}`) : null),
    el("div", { class: "muted" }, e.address ?? e.cellCode, e.assignee ? ` · ${t("assignee")} ${e.assignee}` : ""),
    el("div", { class: left.overdue ? "overdue countdown" : "countdown", "data-deadline": e.deadline ?? "" }, `${mt("deadline")} ${time(e.deadline)} · ${left.text}`),
    e.escalation !== "none" ? el("div", { class: "overdue" }, name("escalation", e.escalation)) : null);
  const open = () => { location.hash = `#case/${e.id}`; };
  item.addEventListener("click", open);
  item.addEventListener("keydown", (k) => { if (k.key === "Enter") open(); });
  return item;
}

const byDeadline = (a: EventSummary, b: EventSummary) =>
  (a.deadline ? Date.parse(a.deadline) : Number.MAX_SAFE_INTEGER) - (b.deadline ? Date.parse(b.deadline) : Number.MAX_SAFE_INTEGER);

export function renderList(target: HTMLElement, loaded: Loaded, pending: QueuedAction[], empty: MobileTextKey): void {
  target.replaceChildren(...notes(loaded),
    loaded.cases.length ? el("ol", { class: "queue" }, ...[...loaded.cases].sort(byDeadline).map((c) => card(c, pending))) : el("p", { class: "muted" }, mt(empty)));
}

/** A dispatcher's queue in the order of the work: new reports, to dispatch, in progress, to close. */
export function renderQueue(target: HTMLElement, loaded: Loaded, pending: QueuedAction[]): void {
  const groups: [MobileTextKey, string[]][] = [
    ["newReports", ["reported"]], ["toDispatch", ["registered", "returned"]], ["inProgress", ["dispatched", "accepted", "handled"]], ["toClose", ["verified"]],
  ];
  target.replaceChildren(...notes(loaded),
    ...groups.map(([title, states]) => {
      const cases = loaded.cases.filter((c) => states.includes(c.state)).sort(byDeadline);
      return el("section", { class: "group", "data-group": title }, el("h3", {}, `${mt(title)} (${cases.length})`),
        cases.length ? el("ol", { class: "queue" }, ...cases.map((c) => card(c, pending))) : el("p", { class: "muted" }, mt("noCases")));
    }));
}

function notes(loaded: Loaded): HTMLElement[] {
  return [
    ...(loaded.cached ? [el("p", { class: "muted" }, mt("cachedCopy"))] : []),
    ...(loaded.problem ? [el("p", { class: "error" }, loaded.problem)] : []),
  ];
}

/** Keeps every countdown on the page ticking. */
export function tickCountdowns(): void {
  document.querySelectorAll<HTMLElement>("[data-deadline]").forEach((node) => {
    const deadline = node.dataset.deadline;
    if (!deadline) return;
    const left = countdown(deadline);
    node.classList.toggle("overdue", left.overdue);
    node.textContent = `${mt("deadline")} ${time(deadline)} · ${left.text}`;
  });
}
