// One case on the phone: its place, clock, photos and timeline, and the actions the user may take on it now. Every
// action goes through the outbox, so it works the same with or without a connection.
import { api, claims, hasRole } from "../common/auth";
import { el } from "../common/dom";
import { countdown, time } from "../common/format";
import { name, t } from "../common/i18n";
import type { EventDetail, Schemas } from "../common/types";
import { enqueue, pendingActions } from "./outbox";
import { distanceText, here } from "./location";
import { miniMap } from "./minimap";
import { recall, remember, type QueuedAction } from "./store";
import { mt } from "./texts";

type PhotoLink = Schemas["EvidenceLinkResponse"];
type Suggestion = Schemas["SuggestionResponse"];

/** The state a case is in once the phone's queued actions on it are applied; what the phone shows offline. */
const stateAfter: Record<string, string> = {
  accept: "accepted", return: "returned", handle: "handled", verify: "verified", rework: "accepted",
  register: "registered", dispatch: "dispatched", close: "closed",
};

/**
 * What the same user may do next after an action still waiting in the outbox; after any other (handle, return,
 * verify…) the case is someone else's to act on (an inspector, a dispatcher), so the phone offers nothing more.
 */
const nextByTheSameUser: Record<string, string[]> = { accept: ["handle", "return"], register: ["dispatch"] };

const maxPhotoBytes = 10 * 1024 * 1024;

/** The case drawn, or gone: no longer the user's to read (verified by them, moved to another department) or never there. */
export interface CaseScreen { element: HTMLElement; id: string; gone: boolean }

/** Loads the case (or its last copy when offline) and draws it with its action forms. */
export async function showCase(id: string, onDone: () => void): Promise<CaseScreen> {
  const root = el("article", { class: "case-view", "data-case": id });
  let detail: EventDetail | null = null;
  let fromCache = false;
  try {
    const response = await api(`/api/events/${encodeURIComponent(id)}`);
    if (response.ok) {
      detail = (await response.json()) as EventDetail;
      await remember(`case:${id}`, detail);
    } else {
      root.append(el("p", { class: "error" }, response.status === 403 ? mt("conflictScope") : mt("conflictGone")));
      return { element: root, id, gone: true };
    }
  } catch {
    detail = (await recall<EventDetail>(`case:${id}`))?.data ?? null;
    fromCache = true;
  }
  if (!detail) {
    root.append(el("p", { class: "error" }, mt("cachedCopy")));
    return { element: root, id, gone: false };
  }
  const pending = (await pendingActions()).filter((a) => a.caseId === id);
  draw(root, detail, pending, fromCache, onDone);
  if (!fromCache) void addPhotos(root, id);
  return { element: root, id, gone: false };
}

function draw(root: HTMLElement, e: EventDetail, pending: QueuedAction[], fromCache: boolean, onDone: () => void): void {
  const waiting = pending.filter((p) => p.state === "pending");
  const state = waiting.reduce<string>((s, p) => stateAfter[p.action] ?? s, e.state);
  // The engine's own list when nothing waits (a copy kept offline was read by this user, so it is theirs too).
  const actions = (waiting.length ? nextByTheSameUser[waiting[waiting.length - 1]!.action] ?? [] : e.allowedActions).filter(mayTake);
  const left = countdown(e.deadline);
  root.replaceChildren(...[
    fromCache ? el("p", { class: "muted" }, mt("cachedCopy")) : null,
    el("div", { class: "head" }, el("b", {}, e.categoryName || e.category), el("span", { class: `badge ${e.urgency}` }, name("urgency", e.urgency))),
    el("div", {}, `${e.id} · `, el("span", { class: "state", "data-state": state }, name("state", state)),
      waiting.length ? el("span", { class: "badge pending" }, ` ${mt("pending")} ${waiting.length}`) : null),
    el("div", { class: "muted" }, e.address ?? e.cellCode),
    e.description ? el("p", {}, e.description) : null,
    el("div", { class: left.overdue ? "overdue" : "", "data-deadline": e.deadline ?? "" }, `${mt("deadline")} ${time(e.deadline)} · ${left.text}`),
    e.escalation !== "none" ? el("div", { class: "overdue" }, `${t("escalation")}: ${name("escalation", e.escalation)}`) : null,
    miniMap(e.location, e.address ?? e.id, here()),
    el("div", { class: "photos", "data-photos": "" }),
    ...pending.filter((p) => p.state === "conflict").map((p) => el("p", { class: "error conflict" }, `${name("action", p.action)}：${p.message ?? ""}`)),
    el("div", { class: "forms" }, ...actions.map((a) => form(e, a, onDone))),
    timeline(e)].filter((n): n is HTMLElement => n !== null));
}

function mayTake(action: string): boolean {
  const field = ["accept", "return", "handle", "verify", "rework"];
  const desk = ["register", "dispatch", "close"];
  return (hasRole("responder") && field.includes(action)) || (hasRole("dispatcher", "operator") && desk.includes(action));
}

function form(e: EventDetail, action: string, onDone: () => void): HTMLElement {
  const me = claims()?.sub ?? "";
  // The phone acted on the case as it saw it: if it was reassigned meanwhile, the engine refuses rather than take another's case.
  const mine = e.assignee === me ? { ifAssignedTo: me } : {};
  const status = el("p", { class: "muted", role: "status" });
  const submit = async (body: QueuedAction["body"], files: File[] = []) => {
    if (files.some((f) => f.size > maxPhotoBytes)) {
      status.className = "error";
      status.textContent = mt("tooLarge");
      return;
    }
    status.className = "muted";
    status.textContent = navigator.onLine ? t("loading") : mt("queuedOffline");
    await enqueue(e.id, action, body, files);
    onDone();
  };
  const box = el("form", { class: "action-form", "data-action-form": action });
  box.addEventListener("submit", (ev) => ev.preventDefault());
  const button = (label: string, run: () => void) => {
    const b = el("button", { type: "button", "data-event-action": action }, label);
    b.addEventListener("click", () => { b.disabled = true; run(); });
    return b;
  };
  const text = (key: "returnReason" | "note" | "verifyNote" | "reworkReason") => el("textarea", { name: "reason", rows: "2", placeholder: mt(key) });
  const photos = () => el("label", { class: "photo-input" }, mt("takePhoto"),
    el("input", { type: "file", name: "photo", accept: "image/jpeg,image/png,image/webp", capture: "environment", multiple: "" }));
  const files = () => [...(box.querySelector<HTMLInputElement>("input[type=file]")?.files ?? [])];
  const reason = () => (box.querySelector<HTMLTextAreaElement>("textarea")?.value ?? "").trim();
  const needing = (run: (r: string) => void) => () => {
    if (!reason()) {
      status.className = "error";
      status.textContent = mt("reasonRequired");
      box.querySelector<HTMLButtonElement>("button")!.disabled = false;
      return;
    }
    run(reason());
  };
  switch (action) {
    case "accept":
      box.append(button(t("accept"), () => void submit({ ...mine })));
      break;
    case "return":
      box.append(el("details", {}, el("summary", {}, mt("submitReturn")), text("returnReason"),
        button(mt("submitReturn"), needing((r) => void submit({ ...mine, reason: r })))));
      break;
    case "handle":
      box.append(text("note"), photos(), button(mt("submitHandle"), () => void submit({ ...mine, ...(reason() ? { reason: reason() } : {}) }, files())));
      break;
    case "verify":
      box.append(text("verifyNote"), photos(), button(mt("submitVerify"), () => void submit(reason() ? { reason: reason() } : {}, files())));
      break;
    case "rework":
      box.append(el("details", {}, el("summary", {}, mt("submitRework")), text("reworkReason"), photos(),
        button(mt("submitRework"), needing((r) => void submit({ reason: r }, files())))));
      break;
    case "register":
      box.append(button(mt("register"), () => void submit({})));
      break;
    case "close":
      box.append(button(mt("close"), () => void submit({})));
      break;
    case "dispatch":
      box.append(dispatchChoices(e, (body) => void submit(body)));
      break;
    default:
      return el("span");
  }
  box.append(status);
  return box;
}

/** The department's on-duty responders nearest the case first, each a button; the department alone as the last choice. */
function dispatchChoices(e: EventDetail, send: (body: QueuedAction["body"]) => void): HTMLElement {
  const list = el("ol", { class: "suggestions" });
  const section = el("section", { class: "dispatch" }, el("h3", {}, mt("suggestions")), list);
  const department = e.department ?? claims()?.department;
  void (async () => {
    const response = await api(`/api/events/${encodeURIComponent(e.id)}/suggestions${department ? `?department=${encodeURIComponent(department)}` : ""}`).catch(() => null);
    const found = response?.ok ? ((await response.json()) as Suggestion[]) : [];
    if (!found.length) list.append(el("li", { class: "muted" }, mt("nobodyOnDuty")));
    for (const s of found) {
      const label = `${e.assignee ? mt("reassignTo") : mt("dispatchTo")} ${s.name ?? s.username} · ${distanceText(s.distanceMetres)}`;
      const b = el("button", { type: "button", "data-assignee": s.username }, label);
      if (s.assigned) b.disabled = true;
      b.addEventListener("click", () => { b.disabled = true; send({ department: s.department, assignee: s.username }); });
      list.append(el("li", {}, b, el("span", { class: "muted" }, ` ${s.assigned ? mt("assignedNow") : `${mt("positionAt")} ${time(s.at)}`}`)));
    }
  })();
  const whole = el("button", { type: "button", class: "secondary" }, mt("dispatchDepartment"));
  whole.addEventListener("click", () => { whole.disabled = true; send(department ? { department } : {}); });
  section.append(whole);
  return section;
}

async function addPhotos(root: HTMLElement, id: string): Promise<void> {
  const response = await api(`/api/events/${encodeURIComponent(id)}/photos`).catch(() => null);
  if (!response?.ok) return;
  const photos = (await response.json()) as PhotoLink[];
  root.querySelector("[data-photos]")?.replaceChildren(...photos.map((p) =>
    el("a", { href: p.url, target: "_blank", rel: "noopener" }, el("img", { src: p.thumbnailUrl, alt: p.sha256.slice(0, 12), "data-sha256": p.sha256 }))));
}

function timeline(e: EventDetail): HTMLElement {
  return el("details", { class: "timeline" }, el("summary", {}, mt("timeline")),
    el("ol", {}, ...e.timeline.map((a) => el("li", { "data-audit-action": a.action },
      `${time(a.at)} ${a.actor} ${name("action", a.action)}${a.reason ? `：${a.reason}` : ""}`,
      a.attachmentSha256s.length ? el("span", { class: "muted" }, ` · ${a.attachmentSha256s.length} ${mt("photoCount")} SHA-256 ${a.attachmentSha256s.map((s) => s.slice(0, 8)).join(", ")}…`) : null,
      a.attachmentSm3s?.length ? el("span", { class: "muted", "data-sm3": "" }, ` · SM3 ${a.attachmentSm3s.map((s) => s.slice(0, 8)).join(", ")}…`) : null))));
}
