// The responder's phone page (小屏): their department's dispatched cases, accept and report back with photos, duty.
import "../common/app.css";
import "./mobile.css";
import { api, claims, problemText, requireLogin } from "../common/auth";
import { byId, el } from "../common/dom";
import { act, uploadEvidence } from "../common/events";
import { countdown, number, time } from "../common/format";
import { name, onLanguageChange, t } from "../common/i18n";
import type { DeviceDetail, EventSummary } from "../common/types";

/** The states in which a case is the field's to act on. */
const queueStates = ["dispatched", "accepted"];
let queue: EventSummary[] = [];
let onDuty = false;

async function loadQueue(): Promise<void> {
  const department = claims()?.department;
  const status = byId("queue-status");
  if (!department) {
    status.textContent = t("forbidden");
    return;
  }
  const answers = await Promise.all(queueStates.map((s) => api(`/api/events?department=${encodeURIComponent(department)}&status=${s}&limit=200`)));
  const failed = answers.find((r) => !r.ok);
  if (failed) {
    status.textContent = failed.status === 404 ? t("unavailable") : await problemText(failed);
    queue = [];
  } else {
    queue = (await Promise.all(answers.map((r) => r.json() as Promise<EventSummary[]>))).flat();
    status.textContent = queue.length ? "" : t("nothingToDo");
  }
  renderQueue();
}

function renderQueue(): void {
  const due = (e: EventSummary) => (e.deadline ? new Date(e.deadline).getTime() : Number.MAX_SAFE_INTEGER);
  byId("queue").replaceChildren(...[...queue].sort((a, b) => due(a) - due(b)).map(card));
}

function card(e: EventSummary): HTMLElement {
  const left = countdown(e.deadline);
  const result = el("p", { role: "status" });
  const buttons = el("div", { class: "buttons" });
  const item = el("li", { class: left.overdue ? "card overdue-row" : "card", "data-id": e.id, "data-state": e.state },
    el("div", { class: "head" }, el("b", {}, e.categoryName || e.category), el("span", { class: `badge ${e.urgency}` }, name("urgency", e.urgency))),
    el("div", {}, `${e.id} · ${name("state", e.state)}`),
    el("div", { class: "muted" }, e.address ?? e.cellCode),
    e.description ? el("div", {}, e.description) : null,
    el("div", { class: left.overdue ? "overdue" : "" }, `${t("deadline")} ${time(e.deadline)} · ${left.text}`),
    buttons, result);
  const done = async (outcome: Awaited<ReturnType<typeof act>>) => {
    result.className = outcome.kind === "refused" ? "error" : "ok";
    result.textContent = outcome.kind === "refused" ? outcome.detail : t("done");
    if (outcome.kind !== "refused") setTimeout(() => void loadQueue(), 800);
  };
  if (e.state === "dispatched") {
    const accept = el("button", { type: "button", "data-event-action": "accept" }, t("accept"));
    accept.addEventListener("click", async () => { accept.disabled = true; await done(await act(e.id, { action: "accept" })); });
    buttons.append(accept);
  }
  if (e.state === "accepted") {
    // The camera opens directly on a phone; on a desk it is a file picker.
    const form = el("form", { "data-action-form": "handle" },
      el("label", {}, t("photo"), el("input", { type: "file", name: "photo", accept: "image/*", capture: "environment", multiple: "" })),
      el("textarea", { name: "reason", rows: "2", placeholder: t("description") }),
      el("button", { type: "submit", "data-event-action": "handle" }, t("handle")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const data = new FormData(form);
      const files = data.getAll("photo").filter((f): f is File => f instanceof File && f.size > 0);
      result.className = "muted";
      result.textContent = files.length ? t("uploading") : "";
      try {
        const attachments = await Promise.all(files.map((f) => uploadEvidence(e.id, f)));
        const reason = String(data.get("reason") ?? "").trim();
        await done(await act(e.id, { action: "handle", attachments, ...(reason ? { reason } : {}) }));
      } catch (err) {
        result.className = "error";
        result.textContent = (err as Error).message;
      }
    });
    buttons.append(form);
  }
  return item;
}

function renderDuty(): void {
  const badge = byId("duty-state");
  badge.className = `badge ${onDuty ? "on" : "off"}`;
  badge.textContent = onDuty ? t("onDuty") : t("offDuty");
  byId("duty").textContent = onDuty ? t("goOffDuty") : t("goOnDuty");
}

function position(): Promise<GeolocationPosition | null> {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) {
      resolve(null);
      return;
    }
    navigator.geolocation.getCurrentPosition(resolve, () => resolve(null), { enableHighAccuracy: true, timeout: 10_000 });
  });
}

async function toggleDuty(): Promise<void> {
  const message = byId("duty-message");
  message.textContent = "";
  const wanted = !onDuty;
  const here = await position();
  if (wanted && !here) {
    message.textContent = t("noLocation");
    return;
  }
  const body = { onDuty: wanted, ...(here ? { lon: here.coords.longitude, lat: here.coords.latitude } : {}) };
  const response = await api("/api/responders/me/duty", { method: "POST", body: JSON.stringify(body) });
  if (!response.ok) {
    message.textContent = await problemText(response);
    return;
  }
  onDuty = ((await response.json()) as { onDuty: boolean }).onDuty;
  renderDuty();
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

async function start(): Promise<void> {
  const me = claims();
  byId("user").textContent = me?.name ?? "";
  byId("department").textContent = me?.department ?? "";
  byId("duty").addEventListener("click", () => void toggleDuty());
  byId<HTMLFormElement>("device-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void lookUp(String(new FormData(e.target as HTMLFormElement).get("id") ?? "").trim());
  });
  renderDuty();
  await loadQueue();
  setInterval(() => void loadQueue(), 20_000);
  document.body.dataset.ready = "true";
}

onLanguageChange(() => { renderDuty(); renderQueue(); });
requireLogin(() => void start());
