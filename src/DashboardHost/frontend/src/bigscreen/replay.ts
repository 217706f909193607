// Time-travel replay (回放) of the last 24 hours and the heat layer, both from the engine's persisted history
// (GET /api/situation/replay). Replay runs in this page only: the hub keeps feeding it (and every other
// screen) live underneath, and leaving the replay shows the live layers again.
import type { Map as MapLibreMap } from "maplibre-gl";
import { getJson } from "../common/auth";
import { byId, el } from "../common/dom";
import { clock } from "../common/format";
import { name, t } from "../common/i18n";
import type { Schemas } from "../common/types";
import { point, setOverlay } from "./overlays";
import { categoryName } from "./state";

export type Happening = Schemas["SituationHappening"];
export type ReplayAnswer = Schemas["ReplayResponse"];

export const speeds = [1, 10, 30, 60] as const;

/** How long an alarm or an ended case stays on the replayed map, in replayed time. */
const afterglow = 15 * 60_000;

const liveLayers = ["device-clusters", "device-points", "event-halo", "event-points", "heat", "alert-flash"];

export interface Replay { open(from?: Date, to?: Date): Promise<void>; close(): void; active(): boolean }

export function createReplay(map: MapLibreMap, region: string, bar: HTMLElement): Replay {
  let answer: ReplayAnswer | null = null;
  let at = 0;
  let speed: number = 60;
  let timer = 0;
  let hidden: string[] = [];

  const slider = el("input", { type: "range", name: "replay-time", step: "60000" }) as HTMLInputElement;
  const when = el("b", { class: "replay-time" });
  const stats = el("span", { class: "replay-stats" });
  const play = el("button", { type: "button", "data-action": "replay-play" }, t("play"));
  const speedSelect = el("select", { name: "replay-speed" }, ...speeds.map((s) => el("option", { value: String(s) }, `${s}×`))) as HTMLSelectElement;
  speedSelect.value = String(speed);
  const leave = el("button", { type: "button", "data-action": "replay-close" }, t("backToLive"));

  function render(): void {
    if (!answer) return;
    slider.value = String(at);
    when.textContent = `${t("replay")} ${new Date(at).toLocaleString(undefined, { hour12: false })}`;
    const ended = new Map<string, number>();
    const opened = new Map<string, Happening>();
    const shown: GeoJSON.Feature[] = [];
    for (const h of answer.happenings) {
      const time = Date.parse(h.at);
      if (time > at) break;
      if (h.kind === "caseOpened") opened.set(h.subject, h);
      else if (h.kind === "caseClosed") { ended.set(h.subject, time); opened.delete(h.subject); }
      if (h.kind !== "caseOpened" && at - time <= afterglow) {
        shown.push(point(h.longitude, h.latitude, { kind: h.kind, id: h.subject, fade: 1 - (0.7 * (at - time)) / afterglow }));
      }
    }
    for (const h of opened.values()) shown.push(point(h.longitude, h.latitude, { kind: "caseOpened", id: h.subject, fade: 1 }));
    setOverlay(map, "replay", shown);
    const minute = [...answer.points].reverse().find((p) => Date.parse(p.at) <= at);
    stats.textContent = minute
      ? `${t("openEvents")} ${minute.openCases} · ${t("alarms")} ${minute.alarms} · ${t("devicesOnline")} ${minute.online}/${minute.devices}`
      : "";
    bar.dataset.at = new Date(at).toISOString();
    bar.dataset.cases = [...opened.keys()].join(",");
    bar.title = [...opened.values()].map((h) => `${h.subject} ${categoryName(h.what)} ${name("urgency", h.level)} ${clock(h.at)}`).join("\n");
  }

  function stop(): void {
    clearInterval(timer);
    timer = 0;
    play.textContent = t("play");
  }

  play.addEventListener("click", () => {
    if (timer) { stop(); return; }
    if (!answer) return;
    play.textContent = t("pause");
    let previous = performance.now();
    timer = window.setInterval(() => {
      const now = performance.now();
      at = Math.min(Number(slider.max), at + (now - previous) * speed);
      previous = now;
      render();
      if (at >= Number(slider.max)) stop();
    }, 200);
  });
  slider.addEventListener("input", () => { at = Number(slider.value); render(); });
  speedSelect.addEventListener("change", () => { speed = Number(speedSelect.value); });
  leave.addEventListener("click", () => close());
  bar.replaceChildren(play, speedSelect, slider, when, stats, leave);

  function close(): void {
    stop();
    answer = null;
    setOverlay(map, "replay", []);
    for (const layer of hidden) if (map.getLayer(layer)) map.setLayoutProperty(layer, "visibility", "visible");
    hidden = [];
    bar.hidden = true;
    delete bar.dataset.at;
    document.body.classList.remove("replaying");
  }

  return {
    async open(from, to) {
      const end = to ?? new Date();
      const start = from ?? new Date(end.getTime() - 24 * 3600_000);
      answer = await getJson<ReplayAnswer>(`/api/situation/replay?region=${encodeURIComponent(region)}&from=${start.toISOString()}&to=${end.toISOString()}`);
      if (!answer) return;
      hidden = liveLayers.filter((l) => map.getLayer(l) && map.getLayoutProperty(l, "visibility") !== "none");
      for (const layer of hidden) map.setLayoutProperty(layer, "visibility", "none");
      slider.min = String(start.getTime());
      slider.max = String(end.getTime());
      at = start.getTime();
      bar.hidden = false;
      bar.dataset.happenings = String(answer.happenings.length);
      document.body.classList.add("replaying");
      render();
    },
    close,
    active: () => answer !== null,
  };
}

/** The heat of alarms and new cases (weighted 3) over the last hours, or none. */
export async function showHeat(map: MapLibreMap, region: string, hours: number | null): Promise<number> {
  if (!hours) {
    map.setLayoutProperty("heat", "visibility", "none");
    return 0;
  }
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3600_000);
  const answer = await getJson<ReplayAnswer>(`/api/situation/replay?region=${encodeURIComponent(region)}&from=${from.toISOString()}&to=${to.toISOString()}`);
  const features = (answer?.happenings ?? [])
    .filter((h) => h.kind === "alarm" || h.kind === "caseOpened" || h.kind === "deviceSilent")
    .map((h) => point(h.longitude, h.latitude, { weight: h.kind === "caseOpened" ? 3 : 1 }));
  setOverlay(map, "heat", features);
  map.setLayoutProperty("heat", "visibility", "visible");
  byId("map").dataset.heat = String(features.length);
  return features.length;
}
