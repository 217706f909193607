// The phone page (小屏, 掌上办) for responders, inspectors and dispatchers: my tasks with live countdowns, the case
// with its place, photos and actions, inspectors' verification, dispatchers' queue with the nearest responders;
// installable and working offline (service worker, IndexedDB outbox), with live assignments from the hub.
import "../common/app.css";
import "./mobile.css";
import { api, claims, hasRole, problemText, requireLogin } from "../common/auth";
import { byId, el } from "../common/dom";
import { number, time } from "../common/format";
import { name, onLanguageChange, t } from "../common/i18n";
import type { DeviceDetail } from "../common/types";
import { showCase } from "./caseview";
import { askNotifications, connectAssignments, noticeTitle, type AssignmentNotice } from "./live";
import { load, renderList, renderQueue, tickCountdowns } from "./lists";
import { consented, locate, onDuty, onPosition, setConsent, setDuty } from "./location";
import { dismiss, flush, onOutbox, pendingActions, retryNow } from "./outbox";
import { applyMobileTexts, mt } from "./texts";

type View = "tasks" | "inspect" | "dispatch" | "me";

const views: View[] = ["tasks", "inspect", "dispatch", "me"];
let openCase: string | null = null;

function available(): View[] {
  const mine: View[] = [];
  if (hasRole("responder")) mine.push("tasks", "inspect");
  if (hasRole("dispatcher", "operator")) mine.push("dispatch");
  mine.push("me");
  return mine;
}

async function refresh(view: View): Promise<void> {
  const pending = await pendingActions();
  if (view === "tasks") renderList(byId("tasks"), await load("/api/me/tasks", `tasks:${claims()?.sub}`), pending, "noTasks");
  if (view === "inspect") renderList(byId("inspect"), await load("/api/events?status=handled&limit=200", `inspect:${claims()?.sub}`), pending, "noCases");
  if (view === "dispatch") {
    const states = "reported,registered,returned,dispatched,accepted,handled,verified";
    renderQueue(byId("dispatch"), await load(`/api/events?status=${states}&limit=500`, `dispatch:${claims()?.sub}`), pending);
  }
  document.body.dataset.loaded = view;
}

async function route(): Promise<void> {
  const hash = location.hash.replace(/^#/, "");
  const allowed = available();
  const detail = byId("view-case");
  if (hash.startsWith("case/")) {
    openCase = hash.slice(5);
    views.forEach((v) => { byId(`view-${v}`).hidden = true; });
    detail.hidden = false;
    const screen = await showCase(openCase, () => void reopen());
    byId("case").replaceChildren(screen.element);
    return;
  }
  openCase = null;
  detail.hidden = true;
  const view = (allowed as string[]).includes(hash) ? (hash as View) : allowed[0]!;
  views.forEach((v) => { byId(`view-${v}`).hidden = v !== view; });
  document.querySelectorAll<HTMLButtonElement>("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
  if (view !== "me") await refresh(view);
}

async function reopen(): Promise<void> {
  if (openCase) {
    const screen = await showCase(openCase, () => void reopen());
    // A case the user may no longer read (they verified it, it moved to another department) leaves the screen.
    if (screen.gone && openCase === screen.id) history.back();
    else byId("case").replaceChildren(screen.element);
  }
}

async function renderOutbox(): Promise<void> {
  const items = await pendingActions();
  const badge = byId("outbox-count");
  badge.textContent = String(items.length);
  badge.hidden = items.length === 0;
  byId("outbox").replaceChildren(...items.map((a) => {
    const row = el("li", { "data-key": a.key, "data-state": a.state },
      `${a.caseId} ${name("action", a.action)}${a.photos.length ? ` · ${a.photos.length} ${mt("photoCount")}` : ""} · `,
      el("b", {}, a.state === "conflict" ? mt("conflict") : mt("pending")),
      a.message ? el("div", { class: "error" }, a.message) : null);
    if (a.state === "conflict") {
      const ok = el("button", { type: "button" }, mt("dismiss"));
      ok.addEventListener("click", () => void dismiss(a.key));
      row.append(ok);
    }
    return row;
  }));
  byId("outbox-panel").hidden = items.length === 0;
}

function toast(text: string, kind: "ok" | "error" | "info" = "info"): void {
  const node = el("div", { class: `toast ${kind}`, role: "status" }, text);
  byId("toasts").append(node);
  setTimeout(() => node.remove(), 6000);
}

function renderNet(): void {
  const net = byId("net");
  net.textContent = navigator.onLine ? mt("online") : mt("offline");
  net.className = `badge ${navigator.onLine ? "on" : "off"}`;
}

function renderDuty(): void {
  const badge = byId("duty-state");
  badge.className = `badge ${onDuty() ? "on" : "off"}`;
  badge.textContent = onDuty() ? t("onDuty") : t("offDuty");
  byId("duty").textContent = onDuty() ? t("goOffDuty") : t("goOnDuty");
  byId<HTMLInputElement>("share-location").checked = consented();
}

async function lookUp(id: string): Promise<void> {
  const out = byId("device");
  const response = await api(`/api/devices/${encodeURIComponent(id)}`);
  if (!response.ok) {
    out.replaceChildren(el("p", { class: "error" }, response.status === 404 ? t("notFound") : response.status === 403 ? t("forbidden") : await problemText(response)));
    return;
  }
  const d = (await response.json()) as DeviceDetail;
  out.replaceChildren(el("table", {},
    el("tr", {}, el("th", {}, d.name), el("td", {}, el("span", { class: `badge ${d.online ? "on" : "off"}` }, d.online ? t("online") : t("offline")))),
    el("tr", {}, el("th", {}, "ID"), el("td", {}, `${d.id} · ${name("kind", d.kind)} · ${d.cellCode}`)),
    el("tr", {}, el("th", {}, t("lastSeen")), el("td", {}, time(d.lastSeen))),
    ...Object.entries(d.values).map(([m, v]) => el("tr", {}, el("th", {}, name("metric", m)), el("td", {}, number(v))))));
}

function onNotice(n: AssignmentNotice): void {
  toast(`${noticeTitle(n.change)}：${n.event.id} ${n.event.categoryName}`, n.change === "reassignedAway" ? "error" : "info");
  const last = byId("last-notice");
  last.textContent = `${noticeTitle(n.change)} ${n.event.id}`;
  last.dataset.change = n.change;
  last.dataset.id = n.event.id;
  if (openCase === n.event.id) void reopen();
  else void route();
}

function wire(): void {
  const me = claims();
  byId("user").textContent = me?.name ?? me?.sub ?? "";
  byId("department").textContent = me?.department ?? "";
  const allowed = available();
  document.querySelectorAll<HTMLButtonElement>("#tabs button").forEach((b) => {
    b.hidden = !(allowed as string[]).includes(b.dataset.view!);
    b.addEventListener("click", () => { location.hash = `#${b.dataset.view}`; });
  });
  byId("back").addEventListener("click", () => history.length > 1 ? history.back() : (location.hash = ""));
  byId("duty").hidden = !hasRole("responder");
  byId("duty").addEventListener("click", async () => {
    const problem = await setDuty(!onDuty());
    byId("duty-message").textContent = problem === "noLocation" ? t("noLocation") : problem ?? "";
    renderDuty();
  });
  byId<HTMLInputElement>("share-location").addEventListener("change", (e) => setConsent((e.target as HTMLInputElement).checked));
  byId("notify").addEventListener("click", async () => {
    const answer = await askNotifications();
    byId("notify-state").textContent = answer === "granted" ? mt("notificationsOn") : mt("notificationsDenied");
  });
  byId<HTMLFormElement>("device-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void lookUp(String(new FormData(e.target as HTMLFormElement).get("id") ?? "").trim());
  });
  window.addEventListener("hashchange", () => void route());
  window.addEventListener("online", () => { renderNet(); void retryNow(); void route(); });
  window.addEventListener("offline", renderNet);
  onOutbox((e) => {
    void renderOutbox();
    if (e.kind === "sent") toast(`${mt("synced")}：${e.action.caseId} ${name("action", e.action.action)}`, "ok");
    if (e.kind === "conflict") toast(`${mt("conflict")}：${e.action.message ?? ""}`, "error");
    if (e.kind !== "changed") void (openCase ? reopen() : route());
  });
  onPosition(() => { if (openCase) void reopen(); });
}

async function start(): Promise<void> {
  applyMobileTexts();
  wire();
  renderNet();
  renderDuty();
  await renderOutbox();
  await route();
  void locate();
  connectAssignments(onNotice, () => { void flush(); if (!openCase) void route(); });
  setInterval(tickCountdowns, 1000);
  // Lists are kept current by the hub; this only catches what a host restart could not tell.
  setInterval(() => { if (!openCase && navigator.onLine) void route(); }, 60_000);
  void flush();
  document.body.dataset.ready = "true";
}

if ("serviceWorker" in navigator) {
  // The service worker keeps the page's shell, so /m/ opens without a connection; it reaches only /m/.
  void navigator.serviceWorker.register("/sw.js", { scope: "/m/" }).catch(() => undefined);
}

onLanguageChange(() => { applyMobileTexts(); renderNet(); renderDuty(); void renderOutbox(); void (openCase ? reopen() : route()); });
requireLogin(() => void start());
