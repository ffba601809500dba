/** ECharts, tree-shaken to what the dashboard draws: lines and bars on a grid, SVG output. */

import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export { echarts };
export type { EChartsCoreOption as ChartOption } from "echarts/core";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Tooltips are HTML: every piece of text that goes into one passes through here. */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Charts do not animate for people who asked their system for less motion. */
export function animate(): boolean {
  return !(typeof window !== "undefined" && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
}

export interface ChartColors {
  font: string;
  brand: string;
  brandSoft: string;
  compare: string;
  text: string;
  muted: string;
  grid: string;
  surface: string;
  border: string;
  mapEmpty: string;
  mapLow: string;
}

/** Colours from the CSS custom properties, so charts follow light and dark mode. */
export function chartColors(): ChartColors {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    font: getComputedStyle(document.body).fontFamily || "sans-serif",
    brand: v("--chart-line", "#5b5bd6"),
    brandSoft: v("--chart-area", "rgba(91,91,214,0.18)"),
    compare: v("--chart-compare", "#9ca3af"),
    text: v("--text", "#111827"),
    muted: v("--text-muted", "#6b7280"),
    grid: v("--chart-grid", "#eef0f3"),
    surface: v("--surface", "#ffffff"),
    border: v("--border", "#e5e7eb"),
    mapEmpty: v("--map-empty", "#eceef2"),
    mapLow: v("--map-low", "#dcdcfb"),
  };
}

/** Shared tooltip styling. */
export function tooltipBase(colors: ChartColors) {
  return {
    backgroundColor: colors.surface,
    borderColor: colors.border,
    borderWidth: 1,
    padding: [8, 12],
    textStyle: { color: colors.text, fontSize: 12, fontFamily: colors.font },
    extraCssText: "box-shadow: 0 8px 24px rgba(0,0,0,.12); border-radius: 8px;",
    confine: true,
  };
}
