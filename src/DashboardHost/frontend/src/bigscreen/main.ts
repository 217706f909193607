// The big screen (大屏): the live situation of the user's region on one wall.
import "../common/app.css";
import "./bigscreen.css";
import { claims, getJson, homeRegion, requireLogin } from "../common/auth";
import { byId, el } from "../common/dom";
import { loadDomainRules } from "../common/domain";
import { connectSituation, type FeedState } from "../common/hub";
import { lang, name, onLanguageChange, t } from "../common/i18n";
import { finalStates, type Catalogue, type EventSummary, type Kpis, type RegionFeatureProps, type RegionSummary, type Situation, type SituationEvent } from "../common/types";
import { showCell, showDevice } from "./detail";
import { createAlerts, type Alerts } from "./alerts";
import { basemapSource } from "./basemap";
import { markColours, markStates, type MarkState } from "./devices";
import { drawHistory, loadHistory, ranges, type Range } from "./history";
import { createMap, legend, type AreaLevel, type SituationMap } from "./map";
import { clockText, renderEvents, renderKpis, renderRates, renderTicker, renderVideos, tickCountdowns, totals } from "./panels";
import { createReplay, showHeat, type Replay } from "./replay";
import { apply, state } from "./state";

let situationMap: SituationMap | null = null;
let alerts: Alerts | null = null;
let replay: Replay | null = null;
let summary: Situation | null = null;
let home = "";
let regionFeatures: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon, RegionFeatureProps>[] = [];
let crumb: { level: AreaLevel; region: RegionFeatureProps | null } = { level: "district", region: null };

function regionName(p: RegionFeatureProps | null | undefined): string {
  return p ? (lang() === "en" ? (p.nameEn ?? p.name) : p.name) : "";
}

function setFeed(feed: FeedState): void {
  state.feed = feed;
  const badge = byId("feed");
  badge.dataset.state = feed;
  badge.textContent = feed === "live" ? t("live") : feed === "reconnecting" ? t("reconnecting") : t("offlineFeed");
}

function renderCrumbs(): void {
  const city = regionFeatures.find((r) => r.properties.code === home)?.properties;
  const back = el("button", { type: "button", "data-action": "home" }, regionName(city) || home);
  back.addEventListener("click", () => {
    const box = regionFeatures.find((r) => r.properties.code === home);
    if (box && situationMap) situationMap.map.fitBounds(bboxOfFeature(box), { padding: 20 });
  });
  const parts: (Node | string)[] = [back];
  if (crumb.region && crumb.region.code !== home) parts.push("›", regionName(crumb.region));
  parts.push("·", t(crumb.level === "cell" ? "cells" : "region"));
  byId("crumbs").replaceChildren(...parts);
}

function bboxOfFeature(f: GeoJSON.Feature<GeoJSON.Polygon | GeoJSON.MultiPolygon>): [number, number, number, number] {
  const polygons = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
  const xs = polygons.flatMap((p) => (p[0] ?? []).map((c) => c[0]!)), ys = polygons.flatMap((p) => (p[0] ?? []).map((c) => c[1]!));
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function selectEvent(e: SituationEvent): void {
  situationMap?.focus([e.location[0] - 0.002, e.location[1] - 0.002, e.location[0] + 0.002, e.location[1] + 0.002]);
  void showCell(e.cellCode);
}

function refreshPanels(): void {
  renderKpis(totals(summary));
  renderRates(state.kpis);
  renderEvents(selectEvent);
  renderTicker([]);
  renderVideos((id) => void showDevice(id));
}

/** Whether the hub feeds the screen: a subscription is live and its snapshot is in. */
function hubFeeds(): boolean {
  return state.feed === "live" && state.hasSnapshot;
}

/** While the hub is away the screen still moves: events and counts are polled over HTTP. */
async function poll(): Promise<void> {
  if (hubFeeds()) return;
  const [region, events] = await Promise.all([
    getJson<RegionSummary>(`/api/regions/${home}`),
    getJson<EventSummary[]>(`/api/events?region=${home}&limit=500`),
  ]);
  if (region) summary = region.situation;
  if (events && !hubFeeds()) {
    state.events.clear();
    for (const e of events) if (!finalStates.has(e.state)) state.events.set(e.id, e);
    situationMap?.refreshEvents();
  }
  refreshPanels();
}

/** The KPIs come with the hub's frames; only while the hub is away are they read over HTTP. */
async function loadKpis(): Promise<void> {
  if (hubFeeds()) return;
  const read = await getJson<Kpis>(`/api/kpis?region=${home}`);
  if (!read || hubFeeds()) return;
  state.kpis = read;
  renderRates(state.kpis);
}

async function focusFromAddress(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const cell = params.get("cell");
  const device = params.get("device");
  if (cell) {
    const found = await getJson<{ bbox: number[] }>(`/api/grid/cells/${encodeURIComponent(cell)}`);
    if (found) situationMap?.focus(found.bbox, 16);
    void showCell(cell);
  }
  if (device) void showDevice(device);
}

async function start(): Promise<void> {
  byId("user").textContent = claims()?.name ?? "";
  home = homeRegion();
  const [regions, catalogue] = await Promise.all([
    getJson<GeoJSON.FeatureCollection<GeoJSON.Polygon | GeoJSON.MultiPolygon, RegionFeatureProps>>("/api/map/regions"),
    getJson<Catalogue>("/api/catalogue"),
    loadDomainRules(),
  ]);
  state.catalogue = catalogue;
  regionFeatures = regions?.features ?? [];
  const city = regionFeatures.find((f) => f.properties.code === home);
  byId("city-name").textContent = city ? `${regionName(city.properties)} · ` : "";
  byId("legend").replaceChildren(...legend());
  const mapElement = byId("map");
  situationMap = createMap(mapElement, regionFeatures, home, await basemapSource(), {
    device: (id) => void showDevice(id),
    cell: (code) => void showCell(code),
    event: (id) => {
      const e = state.events.get(id);
      if (e) selectEvent(e);
    },
    level: (level, region) => { crumb = { level, region }; renderCrumbs(); },
  });
  // The map instance, for operators' diagnostics in the browser console and for page tests.
  Object.assign(window, { situationMap: situationMap.map });
  situationMap.map.once("load", () => void focusFromAddress());
  alerts = createAlerts(situationMap.map, home, selectEvent);
  replay = createReplay(situationMap.map, home, byId("replay"));
  buildTools(situationMap);
  void loadHistory(home);

  connectSituation(home, {
    snapshot(frame) {
      apply(frame, true);
      situationMap?.refreshDevices();
      situationMap?.refreshEvents();
      situationMap?.recolourCells([...state.cells.keys()]);
      alerts?.offer(frame.events ?? [], true);
      refreshPanels();
      document.body.dataset.snapshot = String(frame.seq);
    },
    delta(frame) {
      const changed = apply(frame, false);
      if (changed.devices) { situationMap?.refreshDevices(); renderVideos((id) => void showDevice(id)); }
      if (changed.events) { situationMap?.refreshEvents(); renderEvents(selectEvent); alerts?.offer(frame.events ?? [], false); }
      if (changed.cells.length) situationMap?.recolourCells(changed.cells);
      if (changed.alarms.length) renderTicker(changed.alarms);
      if (frame.kpis) renderRates(state.kpis);
      renderKpis(totals(summary));
      document.body.dataset.seq = String(frame.seq);
    },
    state(feed) {
      setFeed(feed);
      if (feed !== "live") { void poll(); void loadKpis(); }
    },
  });
  setFeed("offline");
  await poll();
  await loadKpis();
  setInterval(() => void poll(), 10_000);
  setInterval(() => void loadKpis(), 60_000);
  // History gains a minute each minute; the charts follow.
  setInterval(() => void loadHistory(home), 60_000);
  document.body.dataset.ready = "true";
}

setInterval(() => {
  byId("clock").textContent = clockText();
  tickCountdowns();
}, 1000);
byId("clock").textContent = clockText();

onLanguageChange(() => {
  setFeed(state.feed);
  situationMap?.relabel();
  byId("legend").replaceChildren(...legend());
  const city = regionFeatures.find((f) => f.properties.code === home);
  byId("city-name").textContent = city ? `${regionName(city.properties)} · ` : "";
  renderCrumbs();
  refreshPanels();
  drawHistory();
});

/** The map's tools: device filters by kind and state, the heat window, replay; and the trend's ranges. */
function buildTools(m: SituationMap): void {
  const kinds = new Set<string>();
  const states = new Set<MarkState>();
  const kindSelect = el("select", { name: "filter-kind" }, el("option", { value: "" }, `${t("devices")}: ${t("all")}`),
    ...["smartPole", "camera", "waterLevel", "manhole", "gas", "airQuality", "noise", "rainGauge", "hydrant", "nvr"].map((k) => el("option", { value: k }, name("kind", k))));
  const stateSelect = el("select", { name: "filter-state" }, el("option", { value: "" }, `${t("status")}: ${t("all")}`),
    ...markStates.map((s) => el("option", { value: s }, name("mark", s))));
  const apply = () => {
    kinds.clear(); states.clear();
    if (kindSelect.value) kinds.add(kindSelect.value);
    if (stateSelect.value) states.add(stateSelect.value as MarkState);
    m.devices.setFilter(kinds.size ? kinds : null, states.size ? states : null);
  };
  kindSelect.addEventListener("change", apply);
  stateSelect.addEventListener("change", apply);
  const heat = el("select", { name: "heat" }, el("option", { value: "" }, `${t("heat")}: ${t("off")}`),
    ...[1, 6, 24].map((h) => el("option", { value: String(h) }, `${t("heat")}: ${h}h`)));
  heat.addEventListener("change", () => void showHeat(m.map, home, heat.value ? Number(heat.value) : null));
  const replayButton = el("button", { type: "button", "data-action": "replay" }, t("replay"));
  replayButton.addEventListener("click", () => void replay?.open());
  byId("map-tools").replaceChildren(kindSelect, stateSelect, heat, replayButton);
  byId("ranges").replaceChildren(...ranges.map((r) => {
    const b = el("button", { type: "button", "data-range": r }, r);
    b.addEventListener("click", () => void loadHistory(home, r as Range));
    return b;
  }));
  byId("legend").append(...markStates.map((s) => {
    const row = el("div", {}, el("i", { class: "dot" }), name("mark", s));
    (row.firstChild as HTMLElement).style.background = markColours[s];
    return row;
  }));
}

requireLogin(() => void start());
