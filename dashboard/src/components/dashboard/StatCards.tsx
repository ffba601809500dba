/** The key numbers of the period, each with its change; the selected one drives the chart. */

import { formatChange, formatExact, formatMetric } from "../../lib/format";
import type { AsyncState } from "../../lib/hooks";
import type { QueryResult } from "../../lib/types";
import { CHART_METRICS, type ChartMetric } from "../../lib/urlstate";
import { ArrowDown, ArrowUp } from "../icons";
import { ErrorState, Skeleton } from "../ui";
import { useDashboard } from "./context";

export const STAT_LABELS: Record<ChartMetric, string> = {
  visitors: "Unique visitors",
  visits: "Visits",
  pageviews: "Pageviews",
  views_per_visit: "Views per visit",
  bounce_rate: "Bounce rate",
  visit_duration: "Visit duration",
};

export function StatCards(props: { result: AsyncState<QueryResult>; compareLabel: string | null }) {
  const dash = useDashboard();
  const { data, error, loading, reload } = props.result;
  if (error && !data) {
    return (
      <div class="card stats-error">
        <ErrorState compact error={error} onRetry={reload} />
      </div>
    );
  }
  const row = data?.results[0];
  return (
    <div class={`stats ${loading && data ? "is-refreshing" : ""}`} role="group" aria-label="Key metrics">
      {CHART_METRICS.map((metric, i) => {
        const value = row?.metrics[i] ?? null;
        const previous = row?.comparison?.metrics[i] ?? null;
        const change = formatChange(metric, row?.comparison?.change[i] ?? null);
        const selected = dash.state.metric === metric;
        const tone = change.good === null ? "neutral" : change.good ? "good" : "bad";
        return (
          <button
            type="button"
            key={metric}
            class="stat"
            aria-pressed={selected}
            data-metric={metric}
            data-value={value ?? ""}
            onClick={() => dash.update({ metric }, { replace: true })}
            title={`Show ${STAT_LABELS[metric].toLowerCase()} in the chart`}
          >
            <span class="stat-label">{STAT_LABELS[metric]}</span>
            {!data ? (
              <>
                <Skeleton width="4.5rem" height="1.9rem" />
                <Skeleton width="3rem" height="0.9rem" />
              </>
            ) : (
              <>
                <span class="stat-value" title={formatExact(value)}>
                  {formatMetric(metric, value)}
                </span>
                {props.compareLabel && change.direction === "none" && !previous ? (
                  <span class="stat-change-line">
                    <span class="stat-prev" title={`Nothing to compare with in the ${props.compareLabel.toLowerCase()}`}>
                      no earlier data
                    </span>
                  </span>
                ) : props.compareLabel && (
                  <span class="stat-change-line">
                    <span class={`stat-change ${tone}`} data-direction={change.direction}>
                      {change.direction === "up" && <ArrowUp size={12} />}
                      {change.direction === "down" && <ArrowDown size={12} />}
                      <span class="sr-only">
                        {change.direction === "up"
                          ? "up "
                          : change.direction === "down"
                            ? "down "
                            : ""}
                      </span>
                      {change.text}
                    </span>
                    <span class="stat-prev" title={`${props.compareLabel}: ${formatExact(previous)}`}>
                      vs {formatMetric(metric, previous)}
                    </span>
                  </span>
                )}
              </>
            )}
          </button>
        );
      })}
    </div>
  );
}
