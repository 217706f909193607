// The big screen's side panels: KPIs, open events with their deadlines, the alarm ticker, video channels.
import { byId, el } from "../common/dom";
import { countdown, clock, number, percent } from "../common/format";
import { lang, name, t, type TextKey } from "../common/i18n";
import type { Kpis, Situation, SituationAlarm, SituationEvent } from "../common/types";
import { categoryName, state } from "./state";

export interface Totals { devices: number; online: number; alarms: number; open: number; overdue: number; critical: number }

/** Totals from the hub's cells once a snapshot is in; before that, the region's summary over HTTP. */
export function totals(summary: Situation | null): Totals {
  if (!state.hasSnapshot && summary) {
    const a = summary.alarms;
    return { devices: summary.devices, online: summary.devicesOnline, alarms: a.minor + a.major + a.critical, open: summary.events.open, overdue: summary.events.overdue, critical: a.critical };
  }
  const sum: Totals = { devices: 0, online: 0, alarms: 0, open: 0, overdue: 0, critical: 0 };
  for (const c of state.cells.values()) {
    sum.devices += c.devices; sum.online += c.devicesOnline;
    sum.alarms += c.alarms.minor + c.alarms.major + c.alarms.critical; sum.critical += c.alarms.critical;
    sum.open += c.openEvents; sum.overdue += c.overdueEvents;
  }
  return sum;
}

function tile(label: TextKey, value: string, id: string, alert = false): HTMLElement {
  return el("div", { class: alert ? "kpi alert" : "kpi", id }, el("b", {}, value), el("span", {}, t(label)));
}

export function renderKpis(sum: Totals): void {
  byId("kpis").replaceChildren(
    tile("devices", number(sum.devices), "kpi-devices"),
    tile("devicesOnline", number(sum.online), "kpi-online"),
    tile("onlineRate", sum.devices ? percent(sum.online / sum.devices) : "—", "kpi-online-rate"),
    tile("alarms", number(sum.alarms), "kpi-alarms", sum.critical > 0),
    tile("openEvents", number(sum.open), "kpi-open"),
    tile("overdue", number(sum.overdue), "kpi-overdue", sum.overdue > 0));
}

export function renderRates(kpis: Kpis | null): void {
  const rate = (key: keyof NonNullable<Kpis["rates"]>) => percent(kpis?.rates?.[key]?.value);
  byId("rates").replaceChildren(
    tile("registrationRate", rate("registration"), "rate-registration"),
    tile("onTimeDispatch", rate("onTimeDispatch"), "rate-dispatch"),
    tile("onTimeHandling", rate("onTimeHandling"), "rate-handling"),
    tile("closureRate", rate("closure"), "rate-closure"),
    tile("reworkRate", rate("rework"), "rate-rework"),
    tile("dispatchAccuracy", rate("dispatchAccuracy"), "rate-accuracy"));
}

/** Open events, overdue first, then by the nearest deadline; countdowns tick every second. */
export function renderEvents(onSelect: (e: SituationEvent) => void): void {
  const list = byId("events");
  const now = Date.now();
  const due = (e: SituationEvent) => (e.deadline ? new Date(e.deadline).getTime() : Number.MAX_SAFE_INTEGER);
  const events = [...state.events.values()].sort((a, b) => due(a) - due(b));
  byId("event-count").textContent = String(events.length);
  list.replaceChildren(...events.slice(0, 60).map((e) => {
    const left = countdown(e.deadline, now);
    const li = el("li", { "data-id": e.id, "data-state": e.state, "data-deadline": e.deadline ?? "", class: left.overdue ? "overdue-row" : "" },
      el("span", { class: `badge ${e.urgency}` }, name("urgency", e.urgency)),
      el("span", { class: "what" }, `${categoryName(e.category, e.categoryName)} · ${name("state", e.state)}`),
      el("span", { class: left.overdue ? "left overdue" : "left" }, left.text),
      el("span", { class: "where" }, `${e.id} · ${e.address ?? e.cellCode}${e.escalation !== "none" ? ` · ${name("escalation", e.escalation)}` : ""}`));
    li.addEventListener("click", () => onSelect(e));
    return li;
  }));
  if (events.length === 0) list.append(el("li", { class: "muted" }, t("none")));
}

export function tickCountdowns(): void {
  const now = Date.now();
  byId("events").querySelectorAll<HTMLElement>("li[data-deadline]").forEach((li) => {
    const left = countdown(li.dataset.deadline, now);
    const span = li.querySelector<HTMLElement>(".left");
    if (!span) return;
    span.textContent = left.text;
    span.className = left.overdue ? "left overdue" : "left";
    li.classList.toggle("overdue-row", left.overdue);
  });
}

export function renderTicker(fresh: SituationAlarm[]): void {
  const freshKeys = new Set(fresh.map((a) => `${a.deviceId}/${a.kind}/${a.raisedAt}`));
  byId("ticker").replaceChildren(...state.alarms.map((a) => {
    const device = state.devices.get(a.deviceId);
    const key = `${a.deviceId}/${a.kind}/${a.raisedAt}`;
    return el("li", { "data-device": a.deviceId, "data-kind": a.kind, class: freshKeys.has(key) ? "fresh" : "" },
      el("span", { class: "muted" }, clock(a.raisedAt)),
      el("span", { class: `badge ${a.severity}` }, name("severity", a.severity)),
      el("span", {}, `${device?.name ?? a.deviceId} · ${a.kind}`),
      el("span", { class: "muted" }, a.cellCode));
  }));
  if (state.alarms.length === 0) byId("ticker").append(el("li", { class: "muted" }, t("none")));
}

/** Camera channels: those with an alarm first, then offline ones, then the rest. */
export function renderVideos(onSelect: (id: string) => void): void {
  const cameras = [...state.devices.values()].filter((d) => d.kind === "camera");
  const online = cameras.filter((c) => c.online).length;
  byId("video-count").textContent = cameras.length ? `${online} / ${cameras.length} ${t("online")}` : "";
  const rank = (d: (typeof cameras)[number]) => (d.alarms.length > 0 ? 0 : d.online ? 2 : 1);
  const shown = cameras.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id)).slice(0, 9);
  byId("videos").replaceChildren(...shown.map((c) => {
    const tileEl = el("div", { class: c.alarms.length ? "video alarm" : "video", "data-id": c.id },
      el("span", { class: "name" }, c.name),
      el("span", {}, el("span", { class: `badge ${c.online ? "on" : "off"}` }, c.online ? t("online") : t("offline")),
        c.alarms.length ? el("span", { class: "badge critical" }, c.alarms[0]!.kind) : null));
    tileEl.addEventListener("click", () => onSelect(c.id));
    return tileEl;
  }));
  if (shown.length === 0) byId("videos").append(el("span", { class: "muted" }, t("none")));
}

export function clockText(): string {
  return new Date().toLocaleString(lang(), { hour12: false });
}
