/** A panel in full: search, sort by any column, pages of rows, CSV download. */

import { useEffect, useState } from "preact/hooks";
import { api } from "../../lib/api";
import { csvFileName, toCsv } from "../../lib/csv";
import { dimensionLabel, METRIC_LABELS, PROP_PREFIX, valueLabel } from "../../lib/dimensions";
import { formatExact, formatMetric } from "../../lib/format";
import { useDebounced, useQuery } from "../../lib/hooks";
import { periodLabel } from "../../lib/periods";
import { baseQuery } from "../../lib/query";
import type { ApiFilter, FilterLeaf, MetricName, QueryBody, QueryRow } from "../../lib/types";
import type { TabPanel } from "../../lib/urlstate";
import { ArrowDown, ArrowUp, ChevronLeft, ChevronRight, Download, External, Search } from "../icons";
import { EmptyState, ErrorState, Modal, SkeletonRows, Spinner, toast, errorMessage } from "../ui";
import { pageUrl } from "./BreakdownList";
import { type Dashboard, useDashboard } from "./context";
import { activeTab, effectiveTab, PANELS } from "./panels";

const PAGE_SIZE = 20;
export const CSV_MAX_ROWS = 10_000;

const UNITS: Partial<Record<MetricName, string>> = {
  bounce_rate: " (%)",
  scroll_depth: " (%)",
  percentage: " (%)",
  visit_duration: " (s)",
  time_on_page: " (s)",
};

interface Spec {
  title: string;
  dims: string[];
  columns: string[];
  metrics: MetricName[];
  filters: ApiFilter[];
  /** Filters a click on a row adds. */
  rowFilters: (row: QueryRow) => FilterLeaf[];
}

function detailsSpec(dash: Dashboard): Spec | null {
  const id = dash.state.details;
  if (!id || !PANELS[id]) return null;
  const panel = PANELS[id];
  if (id === "events" && dash.state.event !== undefined && dash.state.prop) {
    const event = dash.state.event;
    const dim = `${PROP_PREFIX}${dash.state.prop}`;
    return {
      title: `${event}: ${dash.state.prop}`,
      dims: [dim],
      columns: [dash.state.prop],
      metrics: ["visitors", "events"],
      filters: [["is", "event:name", [event]]],
      rowFilters: (row) => [
        { op: "is", dim: "event:name", values: [event] },
        { op: "is", dim, values: [row.dimensions[0] ?? ""] },
      ],
    };
  }
  let tab = activeTab(panel, dash.state.tabs[id as TabPanel]);
  if (tab.id === "map") tab = panel.tabs.find((t) => t.id === "countries") ?? tab;
  const shown = effectiveTab(tab, dash.state.filters);
  return {
    title: shown.group ? shown.label : panel.tabs.length > 1 ? shown.label : panel.title,
    dims: shown.dims,
    columns: shown.dims.map((d, i) => (i === 0 ? shown.column : dimensionLabel(d))),
    metrics: shown.detailMetrics,
    filters: shown.filters ?? [],
    rowFilters: (row) => [{ op: "is", dim: shown.dims[0], values: [row.dimensions[0] ?? ""] }],
  };
}

function downloadText(text: string, name: string): void {
  // A byte-order mark so spreadsheet apps read UTF-8.
  const blob = new Blob(["\ufeff", text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 5000);
}

export function DetailsModal() {
  const dash = useDashboard();
  const spec = detailsSpec(dash);
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 300);
  const [sort, setSort] = useState<[string, "asc" | "desc"]>([spec?.metrics[0] ?? "visitors", "desc"]);
  const [page, setPage] = useState(0);
  const [exporting, setExporting] = useState(false);
  useEffect(() => setPage(0), [q, sort[0], sort[1]]);

  const close = () => dash.update({ details: undefined });
  const searchFilter: ApiFilter[] =
    q && spec ? [["contains", spec.dims[0], [q], { case_sensitive: false }]] : [];
  const body = (s: Spec, limit: number, offset: number): QueryBody => ({
    ...baseQuery(dash.query, [...s.filters, ...searchFilter]),
    metrics: s.metrics,
    dimensions: s.dims,
    order_by: [sort],
    limit,
    offset,
  });
  const result = useQuery(
    spec ? body(spec, PAGE_SIZE, page * PAGE_SIZE) : null,
    dash.query.anonymous,
    "details",
  );
  if (!spec) return null;
  const total = result.data?.meta.total_rows ?? 0;
  const rows = result.data?.results ?? [];
  const first = total ? page * PAGE_SIZE + 1 : 0;
  const last = Math.min(total, (page + 1) * PAGE_SIZE);

  const toggleSort = (column: string) => {
    const isMetric = (spec.metrics as string[]).includes(column);
    setSort(([col, dir]) =>
      col === column ? [col, dir === "desc" ? "asc" : "desc"] : [column, isMetric ? "desc" : "asc"],
    );
  };

  const exportCsv = async () => {
    setExporting(true);
    try {
      const all = await api.query(body(spec, CSV_MAX_ROWS, 0), { anonymous: dash.query.anonymous });
      const header = [...spec.columns, ...spec.metrics.map((m) => `${METRIC_LABELS[m] === "%" ? "Share" : METRIC_LABELS[m]}${UNITS[m] ?? ""}`)];
      const data = all.results.map((row) => [
        ...spec.dims.map((d, i) => valueLabel(d, row.dimensions[i] ?? "")),
        ...row.metrics,
      ]);
      downloadText(toCsv(header, data), csvFileName(dash.site.domain, spec.title, periodLabel(dash.state)));
      if (all.meta.total_rows > CSV_MAX_ROWS) {
        toast(`Exported the first ${CSV_MAX_ROWS.toLocaleString()} of ${all.meta.total_rows.toLocaleString()} rows.`);
      }
    } catch (error) {
      toast(`Export failed: ${errorMessage(error)}`, "error");
    } finally {
      setExporting(false);
    }
  };

  const columns = [...spec.dims.map((d, i) => ({ key: d, label: spec.columns[i], metric: false })), ...spec.metrics.map((m) => ({ key: m as string, label: METRIC_LABELS[m] === "%" ? "Share" : METRIC_LABELS[m], metric: true }))];

  return (
    <Modal
      title={spec.title}
      onClose={close}
      wide
      actions={
        <button
          type="button"
          class="btn btn-small"
          onClick={exportCsv}
          disabled={exporting || !total}
          data-testid="csv-download"
        >
          {exporting ? <Spinner size={14} /> : <Download size={14} />} CSV
        </button>
      }
    >
      <div class="details-toolbar">
        <label class="search-box">
          <Search size={15} />
          <span class="sr-only">Search {spec.columns[0]}</span>
          <input
            type="search"
            placeholder={`Search ${spec.columns[0].toLowerCase()}`}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
            autoFocus
          />
        </label>
        <span class="muted small details-period">{periodLabel(dash.state)}</span>
      </div>
      <div class={`table-wrap ${result.loading && result.data ? "is-refreshing" : ""}`}>
        {result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !result.data ? (
          <SkeletonRows rows={8} />
        ) : rows.length === 0 ? (
          <EmptyState compact title={q ? `Nothing matches “${q}”` : "No data for this period"} />
        ) : (
          <table class="details-table" data-testid="details-table">
            <thead>
              <tr>
                {columns.map((c) => {
                  const active = sort[0] === c.key;
                  return (
                    <th
                      key={c.key}
                      scope="col"
                      class={c.metric ? "num" : ""}
                      aria-sort={active ? (sort[1] === "asc" ? "ascending" : "descending") : "none"}
                    >
                      <button type="button" class="sort-button" onClick={() => toggleSort(c.key)}>
                        {c.label}
                        {active ? (
                          sort[1] === "asc" ? <ArrowUp size={12} /> : <ArrowDown size={12} />
                        ) : (
                          <span class="sort-placeholder" />
                        )}
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const label = valueLabel(spec.dims[0], row.dimensions[0] ?? "");
                const link = pageUrl(dash.site.domain, spec.dims[0], row.dimensions[0] ?? "");
                return (
                  <tr key={row.dimensions.join("\u0000")}>
                    <td class="cell-label">
                      <button
                        type="button"
                        class="link-button"
                        title={`Filter by ${label}`}
                        onClick={() => {
                          let filters = dash.state.filters;
                          for (const f of spec.rowFilters(row)) {
                            filters = [...filters.filter((x) => !(x.dim === f.dim && x.op === f.op)), f];
                          }
                          dash.update({ filters, details: undefined });
                        }}
                      >
                        {label}
                      </button>
                      {link && (
                        <a
                          class="row-link"
                          href={link}
                          target="_blank"
                          rel="noopener noreferrer"
                          aria-label={`Open ${label} on ${dash.site.domain}`}
                          title={`Open ${label} on ${dash.site.domain}`}
                        >
                          <External size={13} />
                        </a>
                      )}
                    </td>
                    {spec.dims.slice(1).map((d, i) => (
                      <td key={d} class="cell-secondary">
                        {valueLabel(d, row.dimensions[i + 1] ?? "")}
                      </td>
                    ))}
                    {spec.metrics.map((m, i) => (
                      <td key={m} class="num" title={formatExact(row.metrics[i])}>
                        {formatMetric(m, row.metrics[i])}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <footer class="details-footer">
        <span class="muted small" data-testid="details-count">
          {total ? `${formatExact(first)}–${formatExact(last)} of ${formatExact(total)}` : ""}
        </span>
        <div class="pager">
          <button
            type="button"
            class="btn btn-small"
            disabled={page === 0 || result.loading}
            onClick={() => setPage((p) => Math.max(0, p - 1))}
            aria-label="Previous page"
          >
            <ChevronLeft size={14} /> Prev
          </button>
          <button
            type="button"
            class="btn btn-small"
            disabled={last >= total || result.loading}
            onClick={() => setPage((p) => p + 1)}
            aria-label="Next page"
          >
            Next <ChevronRight size={14} />
          </button>
        </div>
      </footer>
    </Modal>
  );
}
