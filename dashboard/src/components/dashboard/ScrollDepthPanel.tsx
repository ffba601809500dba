/** How far visitors scroll: the share of visitors per deepest-scroll bucket. */

import { useMemo } from "preact/hooks";
import { animate, chartColors, escapeHtml, tooltipBase, type ChartOption } from "../../lib/echarts";
import { formatExact, formatPercent } from "../../lib/format";
import { useDarkMode, useQuery } from "../../lib/hooks";
import { baseQuery } from "../../lib/query";
import { EChart } from "../EChart";
import { EmptyState, ErrorState, Skeleton } from "../ui";
import { useDashboard } from "./context";

export const SCROLL_BUCKETS = ["0-24%", "25-49%", "50-74%", "75-99%", "100%"];

export function ScrollDepthPanel() {
  const dash = useDashboard();
  const dark = useDarkMode();
  const result = useQuery(
    {
      ...baseQuery(dash.query),
      metrics: ["visitors", "percentage"],
      dimensions: ["event:scroll_bucket"],
      limit: 10,
    },
    dash.query.anonymous,
    "scroll",
  );
  const page = dash.state.filters.find((f) => f.dim === "event:page" && f.op === "is");
  const byBucket = new Map((result.data?.results ?? []).map((r) => [r.dimensions[0], r]));
  const values = SCROLL_BUCKETS.map((b) => byBucket.get(b)?.metrics[1] ?? 0);
  const counts = SCROLL_BUCKETS.map((b) => byBucket.get(b)?.metrics[0] ?? 0);
  const empty = counts.every((c) => c === 0);

  const option = useMemo((): ChartOption => {
    const colors = chartColors();
    return {
      animation: animate(),
      animationDuration: 300,
      textStyle: { fontFamily: colors.font },
      grid: { left: 4, right: 4, top: 24, bottom: 4, containLabel: true },
      tooltip: {
        ...tooltipBase(colors),
        trigger: "item",
        formatter: (p: { dataIndex: number }) =>
          `<div class="tt-title">Deepest scroll ${escapeHtml(SCROLL_BUCKETS[p.dataIndex])}</div>${escapeHtml(
            formatExact(counts[p.dataIndex]),
          )} visitors (${escapeHtml(formatPercent(values[p.dataIndex]))})`,
      },
      xAxis: {
        type: "category",
        data: SCROLL_BUCKETS,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: colors.grid } },
        axisLabel: { color: colors.muted, fontSize: 11 },
      },
      yAxis: { type: "value", show: false, max: Math.max(10, ...values) * 1.15 },
      series: [
        {
          type: "bar",
          data: values,
          barMaxWidth: 56,
          itemStyle: { color: colors.brand, borderRadius: [4, 4, 0, 0] },
          label: {
            show: true,
            position: "top",
            color: colors.text,
            fontSize: 12,
            fontWeight: 600,
            formatter: (p: { value: number }) => formatPercent(p.value),
          },
          emphasis: { itemStyle: { color: colors.brand, opacity: 0.85 } },
        },
      ],
    };
  }, [result.data, dark]);

  return (
    <section class="panel card" aria-labelledby="scroll-title" data-panel="scroll">
      <header class="panel-header">
        <h2 id="scroll-title">Scroll depth</h2>
        <span class="muted small truncate panel-note" title={page ? page.values.join(", ") : undefined}>
          {page ? `On ${page.values.join(", ")}` : "All pages"}
        </span>
      </header>
      <div class={`panel-body ${result.loading && result.data ? "is-refreshing" : ""}`}>
        {result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !result.data ? (
          <Skeleton height="15rem" />
        ) : empty ? (
          <EmptyState compact title="No scroll data in this period">
            <p>The tracker reports how far each visit scrolls each page when the visitor leaves it.</p>
          </EmptyState>
        ) : (
          <>
            <EChart
              option={option}
              height="15rem"
              testId="scroll-chart"
              label={`Share of visitors by deepest scroll: ${SCROLL_BUCKETS.map(
                (b, i) => `${b} ${formatPercent(values[i])}`,
              ).join(", ")}.`}
            />
            <p class="muted small panel-caption">
              Share of visitors whose deepest scroll on a page fell in each range
              {page ? "" : " (a visitor reading several pages counts once per range)"}.
            </p>
          </>
        )}
      </div>
    </section>
  );
}
