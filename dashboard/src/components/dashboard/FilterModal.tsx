/** Add a filter by hand: any dimension (or custom property), operator and value. */

import { useState } from "preact/hooks";
import { dimensionLabel, FILTERABLE_DIMENSIONS, PROP_PREFIX, valueLabel } from "../../lib/dimensions";
import { formatNumber } from "../../lib/format";
import { useDebounced, useQuery } from "../../lib/hooks";
import { baseQuery } from "../../lib/query";
import type { LeafOperator } from "../../lib/types";
import { Field, Modal, Spinner } from "../ui";
import { useDashboard } from "./context";
import { OPERATOR_LABELS } from "./filters";

const OPERATORS: LeafOperator[] = ["is", "is_not", "contains", "contains_not"];
const PROP = "prop";

export function FilterModal(props: { onClose: () => void }) {
  const dash = useDashboard();
  const [dim, setDim] = useState<string>("event:page");
  const [propKey, setPropKey] = useState("");
  const [op, setOp] = useState<LeafOperator>("is");
  const [value, setValue] = useState("");
  const target = dim === PROP ? (propKey.trim() ? `${PROP_PREFIX}${propKey.trim()}` : "") : dim;
  const search = useDebounced(value.trim(), 250);
  const debouncedTarget = useDebounced(target, 250);

  // Suggestions: the most common values of this dimension under the other filters.
  const others = { ...dash.query, state: { ...dash.state, filters: dash.state.filters.filter((f) => f.dim !== target) } };
  const suggestions = useQuery(
    debouncedTarget
      ? {
          ...baseQuery(others, search ? [["contains", debouncedTarget, [search], { case_sensitive: false }]] : []),
          metrics: ["visitors"],
          dimensions: [debouncedTarget],
          order_by: [["visitors", "desc"]],
          limit: 8,
        }
      : null,
    dash.query.anonymous,
    "filter-suggestions",
  );

  const apply = (chosen = value) => {
    if (!target) return;
    dash.addFilter({ op, dim: target, values: [chosen] });
    props.onClose();
  };

  return (
    <Modal title="Add a filter" onClose={props.onClose}>
      <form
        class="filter-form"
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <div class="filter-form-grid">
          <Field label="Dimension" id="filter-dim">
            <select id="filter-dim" value={dim} onChange={(e) => setDim(e.currentTarget.value)}>
              {FILTERABLE_DIMENSIONS.map((d) => (
                <option value={d} key={d}>
                  {dimensionLabel(d)}
                </option>
              ))}
              <option value={PROP}>Custom property…</option>
            </select>
          </Field>
          {dim === PROP && (
            <Field label="Property name" id="filter-prop">
              <input
                id="filter-prop"
                value={propKey}
                placeholder="e.g. plan"
                onInput={(e) => setPropKey(e.currentTarget.value)}
                required
              />
            </Field>
          )}
          <Field label="Operator" id="filter-op">
            <select id="filter-op" value={op} onChange={(e) => setOp(e.currentTarget.value as LeafOperator)}>
              {OPERATORS.map((o) => (
                <option value={o} key={o}>
                  {OPERATOR_LABELS[o]}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <Field
          label="Value"
          id="filter-value"
          hint={op.startsWith("contains") ? "Matches anywhere in the value, ignoring case." : "Leave empty to match “(none)”."}
        >
          <input
            id="filter-value"
            value={value}
            autoComplete="off"
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </Field>
        {target && (
          <div class="suggestions" aria-live="polite">
            <div class="suggestions-head">
              <span class="muted small">Top values</span>
              {suggestions.loading && <Spinner size={12} />}
            </div>
            {suggestions.data && suggestions.data.results.length === 0 && (
              <p class="muted small">No matching values in this period.</p>
            )}
            <ul role="list">
              {suggestions.data?.results.map((row) => {
                const v = row.dimensions[0] ?? "";
                return (
                  <li key={v}>
                    <button type="button" class="suggestion" onClick={() => apply(v)}>
                      <span class="truncate">{valueLabel(target, v)}</span>
                      <span class="muted small">{formatNumber(row.metrics[0])}</span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </div>
        )}
        <div class="form-actions">
          <button type="button" class="btn btn-ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={!target}>
            Add filter
          </button>
        </div>
      </form>
    </Modal>
  );
}
