// The trend and category charts, fed by the engine's persisted situation history (GET /api/situation/history):
// counts per minute per district, summed by the server into 1 h, 24 h or 7 d of points, so they survive a
// reload and a restart. A user scoped below a district has no history; the charts then say so.
import type { EChartsType } from "echarts/core";
import { api } from "../common/auth";
import { axisStyle, chart, fontPx, palette } from "../common/charts";
import { byId } from "../common/dom";
import { t } from "../common/i18n";
import type { Schemas } from "../common/types";
import { categoryName } from "./state";

export type SituationPoint = Schemas["SituationPoint"];
export type HistoryAnswer = Schemas["HistoryResponse"];

export const ranges = ["1h", "24h", "7d"] as const;
export type Range = (typeof ranges)[number];

let range: Range = "24h";
let last: HistoryAnswer | null = null;
let trend: EChartsType | null = null;
let categories: EChartsType | null = null;

export function currentRange(): Range {
  return range;
}

export async function loadHistory(region: string, chosen: Range = range): Promise<void> {
  range = chosen;
  document.querySelectorAll<HTMLButtonElement>("[data-range]").forEach((b) => b.classList.toggle("on", b.dataset.range === range));
  const response = await api(`/api/situation/history?region=${encodeURIComponent(region)}&range=${range}`);
  last = response.ok ? ((await response.json()) as HistoryAnswer) : null;
  drawHistory();
}

export function drawHistory(): void {
  const box = byId("trend-chart");
  trend ??= chart(box);
  const points = last?.points ?? [];
  box.dataset.points = String(points.length);
  box.dataset.range = range;
  const size = fontPx();
  const axis = axisStyle();
  const series = (label: string, yAxisIndex: number, value: (p: SituationPoint) => number, type: "line" | "bar" = "line") => ({
    name: label, type, showSymbol: points.length < 3, smooth: type === "line", yAxisIndex, barMaxWidth: 6,
    data: points.map((p) => [p.at, Math.round(value(p) * 10) / 10]),
  });
  trend.setOption({
    color: palette,
    grid: { left: "3%", right: "3%", top: "18%", bottom: "4%", containLabel: true },
    legend: { textStyle: { color: "#d8ecff", fontSize: size }, top: 0 },
    tooltip: { trigger: "axis" },
    title: points.length ? undefined : { text: last ? t("noHistoryYet") : t("noHistory"), left: "center", top: "middle", textStyle: { color: "#7f9bb8", fontSize: size } },
    xAxis: {
      type: "time", ...axis, splitLine: { show: false }, min: last?.from, max: last?.to,
      axisLabel: { ...axis.axisLabel, hideOverlap: true },
    },
    yAxis: [{ type: "value", minInterval: 1, ...axis }, { type: "value", min: 0, max: 100, ...axis, splitLine: { show: false } }],
    series: [
      series(t("alarms"), 0, (p) => p.alarms),
      series(t("openEvents"), 0, (p) => p.openCases),
      series(t("casesOpened"), 0, (p) => p.casesOpened, "bar"),
      series(`${t("onlineRate")} %`, 1, (p) => (p.devices ? (100 * p.online) / p.devices : 0)),
    ],
  }, { notMerge: true });
  drawCategories();
}

function drawCategories(): void {
  const box = byId("category-chart");
  categories ??= chart(box);
  const top = (last?.categories ?? []).slice(0, 8).reverse();
  box.dataset.categories = String(top.length);
  const axis = axisStyle();
  categories.setOption({
    grid: { left: "3%", right: "6%", top: "3%", bottom: "3%", containLabel: true },
    tooltip: {},
    title: top.length ? undefined : { text: t("none"), left: "center", top: "middle", textStyle: { color: "#7f9bb8", fontSize: fontPx() } },
    xAxis: { type: "value", minInterval: 1, ...axis },
    yAxis: { type: "category", data: top.map((c) => categoryName(c.category)), ...axis },
    series: [{ type: "bar", data: top.map((c) => c.count), itemStyle: { color: "#35c4ff" }, barMaxWidth: "60%" }],
  }, { notMerge: true });
}
