/** The selected metric over time, with the comparison period dashed. */

import { useMemo } from "preact/hooks";
import { METRIC_LABELS } from "../../lib/dimensions";
import { animate, chartColors, escapeHtml, tooltipBase, type ChartOption } from "../../lib/echarts";
import {
  addDays,
  daysBetween,
  formatBucket,
  formatBucketLong,
  formatChange,
  formatDayRange,
  formatExact,
  formatMetric,
  nowIn,
  type Interval,
} from "../../lib/format";
import { useDarkMode, useQuery } from "../../lib/hooks";
import { chooseInterval, INTERVAL_LABELS, intervalsFor, spanDays } from "../../lib/periods";
import { baseQuery, compareMode } from "../../lib/query";
import type { QueryRow } from "../../lib/types";
import { EChart } from "../EChart";
import { EmptyState, ErrorState, Skeleton } from "../ui";
import { useDashboard } from "./context";
import { STAT_LABELS } from "./StatCards";

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Buckets after "now" (later today, later this week) are not zero yet: leave them blank. */
function isFuture(bucket: string, interval: Interval, now: { day: string; hour: number }): boolean {
  if (interval === "hour" || interval === "minute") {
    return bucket > `${now.day} ${pad(now.hour)}:59:59`;
  }
  return bucket.slice(0, 10) > now.day;
}

/** The bucket that contains "now" is still filling up (drawn dashed, "so far"). */
function isCurrent(
  bucket: string,
  next: string | undefined,
  interval: Interval,
  now: { day: string; hour: number },
): boolean {
  if (interval === "hour" || interval === "minute") return bucket.startsWith(`${now.day} ${pad(now.hour)}:`);
  if (interval === "day") return bucket === now.day;
  if (interval === "month") return bucket.slice(0, 7) === now.day.slice(0, 7);
  return bucket <= now.day && (next === undefined || next > now.day);
}

/** The date range a click on a bucket zooms into (hours have nothing below them). */
export function bucketRange(bucket: string, interval: Interval): [string, string] | null {
  const day = bucket.slice(0, 10);
  if (interval === "day") return [day, day];
  if (interval === "week") return [day, addDays(day, 6)];
  if (interval === "month") {
    const first = `${day.slice(0, 7)}-01`;
    return [first, addDays(`${addDays(first, 32).slice(0, 7)}-01`, -1)];
  }
  return null;
}

export function MainChart(props: { span: { start: string; end: string } | null }) {
  const dash = useDashboard();
  const { state } = dash;
  const dark = useDarkMode();
  const now = nowIn(dash.site.timezone);
  const days =
    spanDays(state, now.day) ?? (props.span ? daysBetween(props.span.start, props.span.end) + 1 : null);
  const interval = days === null ? null : chooseInterval(days, state.interval);
  const options = days === null ? [] : intervalsFor(days);
  const compare = compareMode(state.compare);

  const result = useQuery(
    interval
      ? {
          ...baseQuery(dash.query),
          metrics: [state.metric],
          dimensions: [`time:${interval}`],
          ...(compare ? { compare } : {}),
          limit: 10_000,
        }
      : null,
    dash.query.anonymous,
    "chart",
  );

  const rows = result.data?.results ?? [];
  const metric = state.metric;
  const hasData = rows.some((r) => (r.metrics[0] ?? 0) > 0 || (r.comparison?.metrics[0] ?? 0) > 0);

  const option = useMemo((): ChartOption | null => {
    if (!result.data || !interval) return null;
    const colors = chartColors();
    const values = rows.map((r) => (isFuture(r.dimensions[0], interval, now) ? null : r.metrics[0]));
    const previous = rows.map((r) => r.comparison?.metrics[0] ?? null);
    const few = rows.length <= 2;
    // The bucket "now" falls in is incomplete: draw the step into it dashed.
    const last = values.reduce<number>((found, v, i) => (v === null ? found : i), -1);
    const partial =
      last > 0 && isCurrent(rows[last].dimensions[0], rows[last + 1]?.dimensions[0], interval, now);
    const solid = partial ? values.map((v, i) => (i === last ? null : v)) : values;
    const dashed = partial ? values.map((v, i) => (i === last || i === last - 1 ? v : null)) : [];
    const series: object[] = [
      {
        name: "current",
        type: "line",
        data: solid,
        showSymbol: few,
        symbolSize: 7,
        smooth: 0.15,
        lineStyle: { width: 2.5, color: colors.brand },
        itemStyle: { color: colors.brand },
        areaStyle: {
          color: {
            type: "linear",
            x: 0,
            y: 0,
            x2: 0,
            y2: 1,
            colorStops: [
              { offset: 0, color: colors.brandSoft },
              { offset: 1, color: "rgba(0,0,0,0)" },
            ],
          },
        },
        emphasis: { disabled: true },
        z: 3,
      },
    ];
    if (partial) {
      series.push({
        name: "partial",
        type: "line",
        data: dashed,
        showSymbol: false,
        smooth: 0.15,
        lineStyle: { width: 2.5, type: [4, 4], color: colors.brand },
        itemStyle: { color: colors.brand },
        emphasis: { disabled: true },
        z: 3,
      });
    }
    if (compare) {
      series.push({
        name: "previous",
        type: "line",
        data: previous,
        showSymbol: few,
        symbolSize: 6,
        smooth: 0.15,
        lineStyle: { width: 1.75, type: [5, 4], color: colors.compare },
        itemStyle: { color: colors.compare },
        emphasis: { disabled: true },
        z: 2,
      });
    }
    return {
      animation: animate(),
      animationDuration: 300,
      textStyle: { fontFamily: colors.font },
      grid: { left: 4, right: 16, top: 12, bottom: 4, containLabel: true },
      tooltip: {
        ...tooltipBase(colors),
        trigger: "axis",
        axisPointer: { type: "line", lineStyle: { color: colors.muted, width: 1 } },
        formatter: (params: { dataIndex: number }[]) => {
          const row: QueryRow | undefined = rows[params[0]?.dataIndex ?? -1];
          if (!row) return "";
          const index = params[0].dataIndex;
          const current = values[index];
          const soFar = partial && index === last ? " (so far)" : "";
          const lines = [
            `<div class="tt-title">${escapeHtml(formatBucketLong(row.dimensions[0], interval) + soFar)}</div>`,
            `<div class="tt-row"><span class="tt-dot" style="background:${escapeHtml(colors.brand)}"></span>${escapeHtml(METRIC_LABELS[metric])}: <strong>${escapeHtml(current === null ? "—" : formatMetric(metric, current))}</strong></div>`,
          ];
          if (compare && row.comparison) {
            const change = formatChange(metric, row.comparison.change[0]);
            const sign = change.direction === "up" ? "+" : change.direction === "down" ? "−" : "";
            lines.push(
              `<div class="tt-row tt-muted"><span class="tt-dot tt-dashed" style="border-color:${escapeHtml(colors.compare)}"></span>${escapeHtml(formatBucketLong(row.comparison.dimensions[0], interval))}: <strong>${escapeHtml(formatMetric(metric, row.comparison.metrics[0]))}</strong>${current === null || change.direction === "none" ? "" : ` <span class="tt-change">(${sign}${escapeHtml(change.text)})</span>`}</div>`,
            );
          }
          return lines.join("");
        },
      },
      xAxis: {
        type: "category",
        data: rows.map((r) => formatBucket(r.dimensions[0], interval)),
        boundaryGap: few,
        axisLine: { lineStyle: { color: colors.grid } },
        axisTick: { show: false },
        axisLabel: {
          color: colors.muted,
          hideOverlap: true,
          margin: 10,
          fontSize: 11,
          alignMinLabel: "left",
          alignMaxLabel: "right",
        },
      },
      yAxis: {
        type: "value",
        min: 0,
        max: metric === "bounce_rate" ? 100 : undefined,
        minInterval: ["visitors", "visits", "pageviews"].includes(metric) ? 1 : undefined,
        splitNumber: 4,
        splitLine: { lineStyle: { color: colors.grid } },
        axisLabel: {
          color: colors.muted,
          fontSize: 11,
          formatter: (v: number) => formatMetric(metric, v),
        },
      },
      series,
    };
  }, [result.data, interval, dark, compare]);

  const summary = useMemo(() => {
    if (!rows.length || !interval) return "";
    const peak = rows.reduce((best, r) => ((r.metrics[0] ?? 0) > (best.metrics[0] ?? 0) ? r : best));
    return `${METRIC_LABELS[metric]} per ${interval}, ${rows.length} points from ${formatBucketLong(
      rows[0].dimensions[0],
      interval,
    )} to ${formatBucketLong(rows[rows.length - 1].dimensions[0], interval)}. Peak ${formatExact(
      peak.metrics[0],
    )} on ${formatBucketLong(peak.dimensions[0], interval)}.`;
  }, [result.data]);

  const range = result.data?.meta.date_range ?? props.span;
  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <header class="chart-header">
        <div>
          <h2 id="chart-title">{STAT_LABELS[metric]}</h2>
          {range && <p class="muted small">{formatDayRange(range.start, range.end)}</p>}
        </div>
        <div class="chart-tools">
          {compare && (
            <span class="legend" aria-hidden="true">
              <span class="legend-item">
                <span class="legend-line" /> This period
              </span>
              <span class="legend-item">
                <span class="legend-line legend-dashed" />{" "}
                {compare === "year_over_year" ? "Year before" : "Previous period"}
              </span>
            </span>
          )}
          {options.length > 1 && interval && (
            <>
              <label class="sr-only" for="chart-interval">
                Time buckets
              </label>
              <select
                id="chart-interval"
                class="select-small"
                value={interval}
                onChange={(e) =>
                  dash.update({ interval: e.currentTarget.value as Interval }, { replace: true })
                }
              >
                {options.map((o) => (
                  <option value={o} key={o}>
                    {INTERVAL_LABELS[o]}
                  </option>
                ))}
              </select>
            </>
          )}
        </div>
      </header>
      <div class={`chart-body ${result.loading && result.data ? "is-refreshing" : ""}`}>
        {result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !option ? (
          <Skeleton height="100%" class="chart-skeleton" />
        ) : (
          <>
            <EChart
              option={option}
              height="100%"
              label={summary}
              testId="main-chart"
              onAxisClick={
                interval && interval !== "hour" && interval !== "minute"
                  ? (index) => {
                      const row = rows[index];
                      const range = row ? bucketRange(row.dimensions[0], interval) : null;
                      if (!range) return;
                      dash.update({ period: "custom", from: range[0], to: range[1], interval: undefined });
                    }
                  : undefined
              }
            />
            {!hasData && (
              <div class="chart-empty">
                <EmptyState compact title="No visitors in this period" />
              </div>
            )}
          </>
        )}
      </div>
    </section>
  );
}
