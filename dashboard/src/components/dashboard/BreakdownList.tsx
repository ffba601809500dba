/** Rows of a breakdown: a bar sized by the first metric, the label, then the numbers. */

import type { ComponentChildren } from "preact";
import { PATH_DIMENSIONS, METRIC_LABELS, valueLabel } from "../../lib/dimensions";
import { formatExact, formatMetric } from "../../lib/format";
import type { MetricName, QueryRow } from "../../lib/types";
import { External, Filter } from "../icons";

const SHORT_LABELS: Partial<Record<MetricName, string>> = { pageviews: "Views" };

export interface ExtraColumn {
  label: string;
  /** Dropped on narrow screens. */
  optional?: boolean;
  value: (row: QueryRow) => string;
  title?: (row: QueryRow) => string;
}

/** A link to the page on the live site, for path dimensions (only real paths). */
export function pageUrl(domain: string, dim: string, value: string): string | null {
  if (!PATH_DIMENSIONS.has(dim) || !value.startsWith("/") || value.startsWith("//")) return null;
  return `https://${domain}${value}`;
}

export function rowLabel(dims: string[], row: QueryRow): string {
  return valueLabel(dims[0], row.dimensions[0] ?? "");
}

export function BreakdownList(props: {
  rows: QueryRow[];
  dims: string[];
  column: string;
  metrics: MetricName[];
  domain: string;
  onSelect?: (row: QueryRow) => void;
  selectLabel?: (row: QueryRow) => string;
  extra?: ExtraColumn[];
  /** A second action per row (e.g. "filter by this event" when the click does something else). */
  rowAction?: { label: (row: QueryRow) => string; run: (row: QueryRow) => void };
  testId?: string;
}) {
  const { rows, dims, metrics } = props;
  const barMetric = 0;
  const max = Math.max(1, ...rows.map((r) => r.metrics[barMetric] ?? 0));
  const shown = metrics
    .map((m, i) => ({ m, i }))
    .filter(({ m }) => m !== "percentage" || metrics.length > 1);
  const cols = shown.length + (props.extra?.length ?? 0);
  const required = shown.length + (props.extra?.filter((c) => !c.optional).length ?? 0);
  return (
    <div
      class={`breakdown ${required !== cols ? "has-optional" : ""}`}
      data-testid={props.testId}
      style={{ "--cols": cols, "--cols-sm": required }}
    >
      <div class="breakdown-head" aria-hidden="true">
        <span class="breakdown-col-label">{props.column}</span>
        {shown.map(({ m }) => (
          <span class="breakdown-col-num" key={m}>
            {SHORT_LABELS[m] ?? METRIC_LABELS[m]}
          </span>
        ))}
        {props.extra?.map((c) => (
          <span class={`breakdown-col-num ${c.optional ? "hide-sm" : ""}`} key={c.label}>
            {c.label}
          </span>
        ))}
      </div>
      <ul class="breakdown-rows" role="list">
        {rows.map((row) => {
          const value = row.dimensions[0] ?? "";
          const label = rowLabel(dims, row);
          const width = Math.max(0.5, ((row.metrics[barMetric] ?? 0) / max) * 100);
          const link = pageUrl(props.domain, dims[0], value);
          const secondary = dims.length > 1 ? row.dimensions.slice(1).filter(Boolean).join(" · ") : "";
          const content: ComponentChildren = (
            <>
              <span class="bar" style={{ width: `${width}%` }} aria-hidden="true" />
              <span class="row-text">
                <span class="row-value">{label}</span>
                {secondary && <span class="row-secondary">{secondary}</span>}
              </span>
            </>
          );
          return (
            <li class="breakdown-row" key={row.dimensions.join("\u0000")} data-value={value}>
              <div class="row-label-cell">
                {props.onSelect ? (
                  <button
                    type="button"
                    class="row-label"
                    title={props.selectLabel ? props.selectLabel(row) : `Filter by ${label}`}
                    onClick={() => props.onSelect?.(row)}
                  >
                    {content}
                  </button>
                ) : (
                  <div class="row-label">{content}</div>
                )}
                {link && (
                  <a
                    class="row-link"
                    href={link}
                    target="_blank"
                    rel="noopener noreferrer"
                    title={`Open ${value} on ${props.domain}`}
                    aria-label={`Open ${value} on ${props.domain}`}
                  >
                    <External size={13} />
                  </a>
                )}
                {props.rowAction && (
                  <button
                    type="button"
                    class="row-link"
                    title={props.rowAction.label(row)}
                    aria-label={props.rowAction.label(row)}
                    onClick={() => props.rowAction?.run(row)}
                  >
                    <Filter size={13} />
                  </button>
                )}
              </div>
              {shown.map(({ m, i }) => (
                <span
                  class={`num ${m === "percentage" ? "num-muted" : ""}`}
                  key={m}
                  title={`${formatExact(row.metrics[i])} ${METRIC_LABELS[m].toLowerCase()}`}
                  data-metric={m}
                >
                  {formatMetric(m, row.metrics[i])}
                </span>
              ))}
              {props.extra?.map((c) => (
                <span
                  class={`num num-muted ${c.optional ? "hide-sm" : ""}`}
                  key={c.label}
                  title={c.title?.(row)}
                >
                  {c.value(row)}
                </span>
              ))}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
