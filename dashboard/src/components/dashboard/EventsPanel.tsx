/**
 * Custom events with their visitors, counts and conversion rate; click one to break it down by
 * one of its properties.
 *
 * The query API has no "list the property keys" question, so the key is typed or picked from
 * suggestions: the tracker's own keys for its built-in events, keys in the current filters and
 * keys this browser used before for the site.
 */

import { useEffect, useState } from "preact/hooks";
import { PROP_PREFIX } from "../../lib/dimensions";
import { formatPercent } from "../../lib/format";
import { useQuery } from "../../lib/hooks";
import { baseQuery } from "../../lib/query";
import type { ApiFilter, QueryBody, QueryRow } from "../../lib/types";
import { withFilter } from "../../lib/urlstate";
import { ChevronLeft, Maximize } from "../icons";
import { EmptyState, ErrorState, SkeletonRows } from "../ui";
import { BreakdownList, type ExtraColumn } from "./BreakdownList";
import { useDashboard } from "./context";
import { PANEL_ROWS } from "./ListPanel";
import { PANELS } from "./panels";

const BUILTIN_KEYS: Record<string, string[]> = {
  "Outbound Link: Click": ["url"],
  "File Download": ["url"],
};

type KeyStore = Record<string, string[]>;

function storageKey(siteId: number): string {
  return `footfall.propKeys.${siteId}`;
}

function readKeys(siteId: number): KeyStore {
  try {
    const raw = JSON.parse(window.localStorage.getItem(storageKey(siteId)) ?? "{}") as unknown;
    return raw && typeof raw === "object" ? (raw as KeyStore) : {};
  } catch {
    return {};
  }
}

function rememberKey(siteId: number, event: string, key: string): void {
  try {
    const store = readKeys(siteId);
    const list = Array.isArray(store[event]) ? store[event].filter((k) => k !== key) : [];
    store[event] = [key, ...list].slice(0, 12);
    window.localStorage.setItem(storageKey(siteId), JSON.stringify(store));
  } catch {
    // Storage may be unavailable (private mode); suggestions are a convenience.
  }
}

/** Known keys: this event's first, then the site's other events', then the filters'. */
export function suggestedKeys(
  store: KeyStore,
  event: string,
  filterDims: string[],
): string[] {
  const keys = [
    ...(store[event] ?? []),
    ...(BUILTIN_KEYS[event] ?? []),
    ...filterDims.filter((d) => d.startsWith(PROP_PREFIX)).map((d) => d.slice(PROP_PREFIX.length)),
    ...Object.entries(store)
      .filter(([name]) => name !== event)
      .flatMap(([, list]) => (Array.isArray(list) ? list : [])),
  ];
  return [...new Set(keys.filter((k) => typeof k === "string" && k))].slice(0, 12);
}

export function EventsPanel() {
  const dash = useDashboard();
  const open = dash.state.event !== undefined;
  return (
    <section class="panel card" aria-labelledby="events-title" data-panel="events">
      <header class="panel-header">
        <h2 id="events-title">Custom events</h2>
      </header>
      {open ? <PropBreakdown event={dash.state.event ?? ""} /> : <EventList />}
    </section>
  );
}

function EventList() {
  const dash = useDashboard();
  const tab = PANELS.events.tabs[0];
  const body: QueryBody = {
    ...baseQuery(dash.query, tab.filters),
    metrics: tab.metrics,
    dimensions: tab.dims,
    order_by: [["visitors", "desc"]],
    limit: PANEL_ROWS,
  };
  const result = useQuery(body, dash.query.anonymous, "events");
  const rows = result.data?.results ?? [];
  const total = dash.totalVisitors;
  const cr: ExtraColumn = {
    label: "CR",
    optional: true,
    value: (row) => (total ? formatPercent(((row.metrics[0] ?? 0) / total) * 100) : "—"),
    title: () => "Conversion rate: visitors with this event ÷ all visitors",
  };
  const openEvent = (row: QueryRow) => {
    const event = row.dimensions[0] ?? "";
    const keys = suggestedKeys(readKeys(dash.site.id), event, []);
    const own = readKeys(dash.site.id)[event]?.[0] ?? BUILTIN_KEYS[event]?.[0];
    dash.update({ event, prop: own ?? (keys.length === 1 ? keys[0] : undefined) });
  };
  return (
    <>
      <div class={`panel-body ${result.loading && result.data ? "is-refreshing" : ""}`} aria-busy={result.loading}>
        {result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !result.data ? (
          <SkeletonRows rows={5} />
        ) : rows.length === 0 ? (
          <EmptyState compact title="No custom events in this period">
            <p>
              Outbound links, file downloads and elements marked <code>data-footfall-event</code> show
              up here, as do <code>footfall("Name")</code> calls.
            </p>
          </EmptyState>
        ) : (
          <BreakdownList
            rows={rows}
            dims={tab.dims}
            column="Event"
            metrics={tab.metrics}
            domain={dash.site.domain}
            extra={[cr]}
            onSelect={openEvent}
            selectLabel={(row) => `Break ${row.dimensions[0]} down by property`}
            rowAction={{
              label: (row) => `Filter by ${row.dimensions[0]}`,
              run: (row) => dash.addFilter({ op: "is", dim: "event:name", values: [row.dimensions[0] ?? ""] }),
            }}
            testId="list-events"
          />
        )}
      </div>
      {rows.length > 0 && (
        <footer class="panel-footer">
          <span class="muted small">Click an event to see its properties</span>
          <button type="button" class="btn btn-small btn-ghost" onClick={() => dash.update({ details: "events" })}>
            <Maximize size={14} /> Details
          </button>
        </footer>
      )}
    </>
  );
}

function PropBreakdown(props: { event: string }) {
  const dash = useDashboard();
  const prop = dash.state.prop?.trim() || undefined;
  const [draft, setDraft] = useState(prop ?? "");
  useEffect(() => setDraft(prop ?? ""), [prop]);
  const suggestions = suggestedKeys(
    readKeys(dash.site.id),
    props.event,
    dash.state.filters.map((f) => f.dim),
  );

  const dim = prop ? `${PROP_PREFIX}${prop}` : "";
  const eventFilter: ApiFilter = ["is", "event:name", [props.event]];
  const result = useQuery(
    prop
      ? {
          ...baseQuery(dash.query, [eventFilter]),
          metrics: ["visitors", "events"],
          dimensions: [dim],
          order_by: [["visitors", "desc"]],
          limit: PANEL_ROWS,
        }
      : null,
    dash.query.anonymous,
    `prop:${props.event}:${prop}`,
  );
  const rows = result.data?.results ?? [];
  const missing = rows.length > 0 && rows.every((r) => r.dimensions[0] === "");

  useEffect(() => {
    if (prop && rows.some((r) => r.dimensions[0] !== "")) rememberKey(dash.site.id, props.event, prop);
  }, [result.data]);

  const choose = (key: string) => dash.update({ prop: key.trim() || undefined }, { replace: true });

  return (
    <>
      <div class="panel-subbar prop-bar">
        <button
          type="button"
          class="btn btn-small btn-ghost"
          onClick={() => dash.update({ event: undefined, prop: undefined })}
        >
          <ChevronLeft size={14} /> All events
        </button>
        <strong class="truncate prop-event" title={props.event}>
          {props.event}
        </strong>
      </div>
      <form
        class="prop-form"
        onSubmit={(e) => {
          e.preventDefault();
          choose(draft);
        }}
      >
        <label for="prop-key">Property</label>
        <input
          id="prop-key"
          list="prop-key-options"
          value={draft}
          placeholder="e.g. plan"
          autoComplete="off"
          spellcheck={false}
          onInput={(e) => setDraft(e.currentTarget.value)}
        />
        <datalist id="prop-key-options">
          {suggestions.map((k) => (
            <option value={k} key={k} />
          ))}
        </datalist>
        <button type="submit" class="btn btn-small" disabled={!draft.trim()}>
          Show
        </button>
      </form>
      {suggestions.length > 0 && (
        <div class="prop-suggestions" aria-label="Known properties">
          {suggestions.map((k) => (
            <button
              type="button"
              key={k}
              class={`pill ${k === prop ? "pill-active" : ""}`}
              aria-pressed={k === prop}
              onClick={() => choose(k)}
            >
              {k}
            </button>
          ))}
        </div>
      )}
      <div class={`panel-body ${result.loading && result.data ? "is-refreshing" : ""}`} aria-busy={result.loading}>
        {!prop ? (
          <EmptyState compact title={`Break “${props.event}” down by a property`}>
            <p>Type the name of a property your site sends with this event, such as plan or position.</p>
          </EmptyState>
        ) : result.error && !result.data ? (
          <ErrorState compact error={result.error} onRetry={result.reload} />
        ) : !result.data ? (
          <SkeletonRows rows={4} />
        ) : rows.length === 0 ? (
          <EmptyState compact title="No events in this period" />
        ) : missing ? (
          <EmptyState compact title={`No “${prop}” property`}>
            <p>
              None of the {props.event} events in this period carry a property named “{prop}”. Check the
              spelling (names are case-sensitive).
            </p>
          </EmptyState>
        ) : (
          <BreakdownList
            rows={rows}
            dims={[dim]}
            column={prop}
            metrics={["visitors", "events"]}
            domain={dash.site.domain}
            onSelect={(row) => {
              const filters = withFilter(
                withFilter(dash.state.filters, { op: "is", dim: "event:name", values: [props.event] }),
                { op: "is", dim, values: [row.dimensions[0] ?? ""] },
              );
              dash.update({ filters });
            }}
            testId="list-props"
          />
        )}
      </div>
      {prop && rows.length > 0 && !missing && (
        <footer class="panel-footer">
          <span />
          <button type="button" class="btn btn-small btn-ghost" onClick={() => dash.update({ details: "events" })}>
            <Maximize size={14} /> Details
          </button>
        </footer>
      )}
    </>
  );
}
