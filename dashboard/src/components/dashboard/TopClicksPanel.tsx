/** The most clicked elements (links and marked elements), as a bar chart. */

import { useMemo } from "preact/hooks";
import { animate, chartColors, escapeHtml, tooltipBase, type ChartOption } from "../../lib/echarts";
import { formatExact, formatNumber } from "../../lib/format";
import { useDarkMode, useQuery } from "../../lib/hooks";
import { baseQuery } from "../../lib/query";
import { EChart } from "../EChart";
import { Maximize } from "../icons";
import { EmptyState, ErrorState, Skeleton } from "../ui";
import { useDashboard } from "./context";
import { PANELS } from "./panels";

const ROWS = 8;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function TopClicksPanel() {
  const dash = useDashboard();
  const dark = useDarkMode();
  const tab = PANELS.clicks.tabs[0];
  const result = useQuery(
    {
      ...baseQuery(dash.query, tab.filters),
      metrics: tab.metrics,
      dimensions: tab.dims,
      order_by: [["events", "desc"]],
      limit: ROWS,
    },
    dash.query.anonymous,
    "clicks",
  );
  const rows = result.data?.results ?? [];

  const option = useMemo((): ChartOption => {
    const colors = chartColors();
    const labels = rows.map((r) => clip(r.dimensions[0] || r.dimensions[1] || "(no text)", 34));
    // A fixed label column: measuring labels with containLabel used another font than the one
    // drawn, which pushed long labels past the left edge.
    const labelWidth = window.innerWidth < 640 ? 110 : 200;
    return {
      animation: animate(),
      animationDuration: 300,
      textStyle: { fontFamily: colors.font },
      grid: { left: labelWidth + 12, right: 48, top: 4, bottom: 4, containLabel: false },
      tooltip: {
        ...tooltipBase(colors),
        trigger: "item",
        formatter: (p: { dataIndex: number }) => {
          const r = rows[p.dataIndex];
          if (!r) return "";
          return [
            `<div class="tt-title">${escapeHtml(clip(r.dimensions[0] || "(no text)", 120))}</div>`,
            `<div class="tt-code">${escapeHtml(clip(r.dimensions[1] ?? "", 160))}</div>`,
            `<div>${escapeHtml(formatExact(r.metrics[0]))} ${r.metrics[0] === 1 ? "click" : "clicks"} by ${escapeHtml(formatExact(r.metrics[1]))} ${r.metrics[1] === 1 ? "visitor" : "visitors"}</div>`,
          ].join("");
        },
      },
      xAxis: { type: "value", show: false },
      yAxis: {
        type: "category",
        inverse: true,
        data: labels,
        axisTick: { show: false },
        axisLine: { show: false },
        axisLabel: {
          color: colors.text,
          fontSize: 12,
          width: labelWidth,
          overflow: "truncate",
          ellipsis: "…",
        },
      },
      series: [
        {
          type: "bar",
          data: rows.map((r) => r.metrics[0] ?? 0),
          barMaxWidth: 18,
          itemStyle: { color: colors.brand, borderRadius: [0, 4, 4, 0] },
          label: {
            show: true,
            position: "right",
            color: colors.muted,
            fontSize: 11,
            formatter: (p: { value: number }) => formatNumber(p.value),
          },
          cursor: "pointer",
        },
      ],
    };
  }, [result.data, dark]);

  return (
    <section class="panel card" aria-labelledby="clicks-title" data-panel="clicks">
      <header class="panel-header">
        <h2 id="clicks-title">Top clicks</h2>
        <span class="muted small panel-note">Links and marked elements</span>
      </header>
      <div class={`panel-body ${result.loading && result.data ? "is-refreshing" : ""}`}>
        {result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !result.data ? (
          <Skeleton height="15rem" />
        ) : rows.length === 0 ? (
          <EmptyState compact title="No clicks recorded in this period">
            <p>Clicks on links and on elements with <code>data-footfall-event</code> appear here.</p>
          </EmptyState>
        ) : (
          <EChart
            option={option}
            height={`${Math.max(8, rows.length * 1.9 + 1)}rem`}
            testId="clicks-chart"
            label={`Most clicked elements: ${rows
              .map((r) => `${r.dimensions[0] || r.dimensions[1]} (${formatExact(r.metrics[0])})`)
              .join(", ")}.`}
            onClick={(p) => {
              const r = typeof p.dataIndex === "number" ? rows[p.dataIndex] : undefined;
              if (!r) return;
              if (r.dimensions[0]) dash.addFilter({ op: "is", dim: "event:element_text", values: [r.dimensions[0]] });
              else dash.addFilter({ op: "is", dim: "event:element_selector", values: [r.dimensions[1] ?? ""] });
            }}
          />
        )}
      </div>
      {rows.length > 0 && (
        <footer class="panel-footer">
          <span class="muted small">Click a bar to filter</span>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => dash.update({ details: "clicks" })}>
            <Maximize size={14} /> Details
          </button>
        </footer>
      )}
    </section>
  );
}
