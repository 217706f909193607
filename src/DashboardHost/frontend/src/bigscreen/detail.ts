// The detail drawer over the map: a device's twin, history and commands, or a grid cell's summary.
import type { EChartsType } from "echarts/core";
import { api, getJson, hasRole, problemText } from "../common/auth";
import { axisStyle, chart, fontPx } from "../common/charts";
import { byId, el } from "../common/dom";
import { domainRules } from "../common/domain";
import { number, percent, time } from "../common/format";
import { name, t } from "../common/i18n";
import type { CellSummary, DeviceDetail, HistoryPoint } from "../common/types";

let history: EChartsType | null = null;

function drawer(title: string, ...body: (Node | null)[]): HTMLElement {
  const aside = byId("detail");
  history?.dispose();
  history = null;
  const closeButton = el("button", { type: "button", "data-action": "close-detail" }, t("close"));
  closeButton.addEventListener("click", () => { aside.hidden = true; });
  aside.replaceChildren(el("header", {}, el("h3", {}, title), closeButton), ...body.filter((b): b is Node => b !== null));
  aside.hidden = false;
  return aside;
}

function rows(pairs: [string, string | Node][]): HTMLTableElement {
  return el("table", {}, ...pairs.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))));
}

/** A snapshot reference shown as an image when it is one (data URL, base64 JPEG/PNG or a URL on this server). */
function snapshotView(ref: string | null): Node {
  if (!ref) return el("span", { class: "muted" }, t("noSnapshot"));
  const src = ref.startsWith("data:image/") || ref.startsWith("/") ? ref
    : /^[A-Za-z0-9+/=\s]{200,}$/.test(ref) ? `data:image/jpeg;base64,${ref.replace(/\s/g, "")}` : null;
  return src ? el("img", { src, alt: t("latestSnapshot") }) : el("code", {}, ref);
}

export async function showDevice(id: string): Promise<void> {
  const response = await api(`/api/devices/${encodeURIComponent(id)}`);
  if (!response.ok) {
    drawer(id, el("p", { class: "error" }, response.status === 404 ? t("notFound") : response.status === 403 ? t("forbidden") : await problemText(response)));
    return;
  }
  const d = (await response.json()) as DeviceDetail;
  const metrics = Object.keys(d.values);
  const select = el("select", { name: "metric" }, ...metrics.map((m) => el("option", { value: m }, name("metric", m))));
  const chartBox = el("div", { class: "history" });
  const aside = drawer(d.name,
    rows([
      ["ID", d.id], [t("devices"), name("kind", d.kind)], [t("cells"), d.cellCode],
      [t("status"), el("span", { class: `badge ${d.online ? "on" : "off"}` }, d.online ? t("online") : t("offline"))],
      [t("lastSeen"), time(d.lastSeen)],
      ...(d.modules?.length ? [[t("modules"), d.modules.map((m) => name("module", m)).join("、")] as [string, string]] : []),
      ...metrics.map((m): [string, string] => [name("metric", m), number(d.values[m]!)]),
      ...d.alarms.map((a): [string, Node] => [t("alarms"), el("span", { class: `badge ${a.severity}` }, `${a.kind} · ${time(a.raisedAt)}`)]),
    ]),
    d.video ? el("section", {}, el("h4", {}, t("latestSnapshot")),
      rows([[t("scene"), d.video.scene], [t("stream"), d.video.streamUrl]]), snapshotView(d.video.latestSnapshot)) : null,
    d.detections.length ? el("section", { class: "detections" }, el("h4", {}, t("detections")),
      rows(d.detections.map((x): [string, Node] => [time(x.at), el("span", { class: `badge ${x.outcome}` },
        `${x.kind} · ${x.confidence == null ? "—" : number(x.confidence)} · ${name("outcome", x.outcome)}`)]))) : null,
    metrics.length ? el("section", {}, el("h4", {}, t("history"), " ", select), chartBox) : null,
    commandForms(d));
  aside.dataset.device = d.id;
  const load = async () => {
    const to = new Date(), from = new Date(to.getTime() - 24 * 3600 * 1000);
    const points = await getJson<HistoryPoint[]>(`/api/devices/${encodeURIComponent(d.id)}/history?metric=${encodeURIComponent(select.value)}&from=${from.toISOString()}&to=${to.toISOString()}`) ?? [];
    history ??= chart(chartBox);
    const axis = axisStyle();
    history.setOption({
      grid: { left: "3%", right: "4%", top: "8%", bottom: "4%", containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { textStyle: { color: "#d8ecff", fontSize: fontPx() } },
      xAxis: { type: "time", ...axis },
      yAxis: { type: "value", scale: true, ...axis },
      series: [
        { name: "avg", type: "line", showSymbol: false, data: points.map((p) => [p.at, p.average]), color: "#35c4ff" },
        { name: "max", type: "line", showSymbol: false, lineStyle: { type: "dashed" }, data: points.map((p) => [p.at, p.max]), color: "#ff9f1a" },
        { name: "min", type: "line", showSymbol: false, lineStyle: { type: "dashed" }, data: points.map((p) => [p.at, p.min]), color: "#3ddc84" },
      ],
    }, { notMerge: true });
  };
  select.addEventListener("change", () => void load());
  if (metrics.length) await load();
}

/** The commands the device accepts (its `commands`, from the server's one definition), offered only to operators and administrators. */
function commandForms(d: DeviceDetail): HTMLElement | null {
  const senders = domainRules()?.commandRoles;
  if (!senders || !hasRole(...senders)) return null;
  const forms: HTMLFormElement[] = [];
  const result = el("p", { class: "muted", role: "status" });
  // The arguments' bounds are the engine's (GET /api/domain); without them the engine's answer still says what is wrong.
  const limits = domainRules()?.commandLimits;
  const range = (min: number | undefined, max: number | undefined): Record<string, string> =>
    min === undefined || max === undefined ? {} : { min: String(min), max: String(max) };
  const form = (command: string, label: string, fields: HTMLElement[], args: (data: FormData) => Record<string, unknown>) => {
    if (!d.commands.includes(command)) return;
    const f = el("form", { "data-command": command }, el("span", {}, label), ...fields, el("button", { type: "submit" }, t("send")));
    f.addEventListener("submit", async (e) => {
      e.preventDefault();
      const response = await api(`/api/devices/${encodeURIComponent(d.id)}/commands`, {
        method: "POST", body: JSON.stringify({ name: command, args: args(new FormData(f)) }),
      });
      result.className = response.ok ? "ok" : "error";
      result.textContent = response.ok ? t("commandSent") : await problemText(response);
    });
    forms.push(f);
  };
  form("setLight", t("setLight"), [
    el("label", {}, el("input", { type: "checkbox", name: "on", checked: "" }), t("lightOn")),
    el("label", {}, t("level"), " ", el("input", { type: "number", name: "level", ...range(limits?.minLevel, limits?.maxLevel), value: "80" })),
  ], (data) => ({ on: data.get("on") === "on", level: Number(data.get("level")) }));
  form("broadcast", t("broadcast"), [el("input", { name: "text", ...(limits ? { maxlength: String(limits.maxBroadcastChars) } : {}), required: "", "data-i18n-placeholder": "text", placeholder: t("text") })],
    (data) => ({ text: String(data.get("text")) }));
  // A camera turns to the presets its record lists; a pole's camera module lists none, so a number is asked for.
  form("cameraPreset", t("cameraPreset"), [d.kind === "camera"
    ? el("select", { name: "preset", required: "" }, ...(d.video?.presets ?? []).map((p) => el("option", { value: String(p) }, String(p))))
    : el("input", { type: "number", name: "preset", ...range(limits?.minPreset, limits?.maxPreset), value: "1", required: "" })],
    (data) => ({ preset: Number(data.get("preset")) }));
  return forms.length ? el("section", {}, el("h4", {}, t("commands")), ...forms, result) : null;
}

export async function showCell(code: string): Promise<void> {
  const cell = await getJson<CellSummary>(`/api/grid/cells/${encodeURIComponent(code)}`);
  if (!cell) {
    drawer(code, el("p", { class: "error" }, t("notFound")));
    return;
  }
  const s = cell.situation;
  drawer(`${t("cellDetail")} ${cell.code}`, rows([
    [t("status"), el("span", { class: `badge health-${s.health}` }, name("health", s.health))],
    [t("devices"), `${s.devicesOnline} / ${s.devices} (${percent(s.onlineRatio)})`],
    [t("alarms"), `${name("severity", "critical")} ${s.alarms.critical} · ${name("severity", "major")} ${s.alarms.major} · ${name("severity", "minor")} ${s.alarms.minor}`],
    [t("openEvents"), String(s.events.open)],
    [t("overdue"), String(s.events.overdue)],
  ])).dataset.cell = cell.code;
}
