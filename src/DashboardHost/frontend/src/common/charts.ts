// ECharts, with only the chart types the pages draw, in the command centre's dark palette.
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { init, use, type EChartsType } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([LineChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export const palette = ["#35c4ff", "#3ddc84", "#ff9f1a", "#ff4d4f", "#9254de", "#f5d547"];

/** A chart that follows its container's size, which follows the viewport. */
export function chart(container: HTMLElement): EChartsType {
  const instance = init(container, undefined, { renderer: "canvas" });
  new ResizeObserver(() => instance.resize()).observe(container);
  return instance;
}

/** Font size in pixels for chart text, the same fraction of the viewport as the page's own text. */
export function fontPx(): number {
  return parseFloat(getComputedStyle(document.body).fontSize) * 0.9;
}

export function axisStyle() {
  const size = fontPx();
  return {
    axisLabel: { color: "#7fa6c9", fontSize: size },
    axisLine: { lineStyle: { color: "#1c4a7a" } },
    splitLine: { lineStyle: { color: "rgba(28, 74, 122, 0.4)" } },
  };
}
