/** Site switcher, date range, comparison and the active filters. */

import { useState } from "preact/hooks";
import { dimensionLabel, valueLabel } from "../../lib/dimensions";
import { nowIn, addDays } from "../../lib/format";
import { useAsync } from "../../lib/hooks";
import { PERIOD_OPTIONS, periodLabel, type PeriodKey } from "../../lib/periods";
import { loadSites } from "../../lib/sites";
import { encodeState, withoutFilter, type CompareSetting } from "../../lib/urlstate";
import { Calendar, Check, ChevronDown, Close, Filter, Plus, Settings } from "../icons";
import { Dropdown, Link } from "../ui";
import { useDashboard } from "./context";
import { FilterModal } from "./FilterModal";
import { filterText, OPERATOR_LABELS } from "./filters";

export function SiteSwitcher() {
  const dash = useDashboard();
  const sites = useAsync(dash.publicView ? null : () => loadSites(), "sites-switcher");
  const name = dash.site.name || dash.site.domain;
  if (dash.publicView) {
    return (
      <div class="site-title">
        <span class="site-avatar" aria-hidden="true">
          {name.slice(0, 1).toUpperCase()}
        </span>
        <div>
          <h1>{name}</h1>
          <p class="muted small">{dash.site.domain}</p>
        </div>
      </div>
    );
  }
  // Keep the period and comparison when switching; filters belong to one site.
  const keep = encodeState({ ...dash.state, filters: [], tabs: {}, details: undefined, event: undefined, prop: undefined });
  return (
    <Dropdown
      buttonClass="site-switcher"
      ariaLabel={`Site: ${name}. Switch site`}
      menuClass="site-menu"
      label={
        <>
          <span class="site-avatar" aria-hidden="true">
            {name.slice(0, 1).toUpperCase()}
          </span>
          <span class="site-switcher-text">
            <span class="site-switcher-name">{name}</span>
            <span class="muted small">{dash.site.domain}</span>
          </span>
          <ChevronDown size={16} />
        </>
      }
    >
      {(close) => (
        <>
          <div class="dropdown-caption">Switch site</div>
          {(sites.data ?? []).map((site) => (
            <Link
              key={site.id}
              href={`/sites/${site.id}${keep}`}
              role="menuitemradio"
              aria-checked={site.id === dash.site.id}
              class="dropdown-item"
              onClick={close}
            >
              <span class="site-avatar site-avatar-small" aria-hidden="true">
                {(site.name || site.domain).slice(0, 1).toUpperCase()}
              </span>
              <span class="truncate">{site.name || site.domain}</span>
              {site.id === dash.site.id && <Check size={14} class="push-right" />}
            </Link>
          ))}
          {sites.loading && !sites.data && <div class="dropdown-caption">Loading…</div>}
          <div class="dropdown-sep" role="separator" />
          <Link href="/sites" role="menuitem" class="dropdown-item" onClick={close}>
            All sites
          </Link>
          <Link href="/sites/new" role="menuitem" class="dropdown-item" onClick={close}>
            <Plus size={14} /> Add a site
          </Link>
        </>
      )}
    </Dropdown>
  );
}

export function DatePicker() {
  const dash = useDashboard();
  const { state } = dash;
  const today = nowIn(dash.site.timezone).day;
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState(state.from ?? addDays(today, -13));
  const [to, setTo] = useState(state.to ?? today);

  const choose = (period: PeriodKey) =>
    dash.update({ period, from: undefined, to: undefined, interval: undefined });

  return (
    <Dropdown
      buttonClass="btn picker-button"
      ariaLabel={`Date range: ${periodLabel(state)}. Change`}
      menuClass="date-menu"
      label={
        <>
          <Calendar size={16} />
          <span class="picker-text" data-testid="period-label">
            {periodLabel(state)}
          </span>
          <ChevronDown size={14} />
        </>
      }
    >
      {(close) =>
        custom ? (
          <form
            class="custom-range"
            onSubmit={(e) => {
              e.preventDefault();
              if (!from || !to) return;
              const [a, b] = from <= to ? [from, to] : [to, from];
              dash.update({ period: "custom", from: a, to: b, interval: undefined });
              setCustom(false);
              close();
            }}
          >
            <div class="dropdown-caption">Custom range ({dash.site.timezone})</div>
            <label>
              From
              <input
                type="date"
                value={from}
                max={today}
                required
                onInput={(e) => setFrom(e.currentTarget.value)}
              />
            </label>
            <label>
              To
              <input
                type="date"
                value={to}
                max={today}
                required
                onInput={(e) => setTo(e.currentTarget.value)}
              />
            </label>
            <div class="custom-range-actions">
              <button type="button" class="btn btn-small btn-ghost" onClick={() => setCustom(false)}>
                Back
              </button>
              <button type="submit" class="btn btn-small btn-primary">
                Apply
              </button>
            </div>
          </form>
        ) : (
          <>
            {PERIOD_OPTIONS.map((option) => (
              <button
                type="button"
                key={option.key}
                role="menuitemradio"
                aria-checked={state.period === option.key}
                class="dropdown-item"
                data-period={option.key}
                onClick={() => {
                  choose(option.key);
                  close();
                }}
              >
                <span>{option.label}</span>
                {option.hotkey && <kbd aria-hidden="true">{option.hotkey}</kbd>}
              </button>
            ))}
            <div class="dropdown-sep" role="separator" />
            <button
              type="button"
              role="menuitemradio"
              aria-checked={state.period === "custom"}
              class="dropdown-item"
              data-period="custom"
              onClick={() => setCustom(true)}
            >
              <span>Custom range…</span>
            </button>
          </>
        )
      }
    </Dropdown>
  );
}

const COMPARE_LABELS: Record<CompareSetting, string> = {
  off: "No comparison",
  previous_period: "Previous period",
  year_over_year: "Year over year",
};

export function ComparePicker() {
  const dash = useDashboard();
  return (
    <div class="compare-picker">
      <label class="sr-only" for="compare-select">
        Compare with
      </label>
      <select
        id="compare-select"
        class="select"
        value={dash.state.compare}
        disabled={dash.state.period === "all"}
        title={dash.state.period === "all" ? "Nothing to compare all time with" : "Compare with"}
        onChange={(e) => dash.update({ compare: e.currentTarget.value as CompareSetting })}
      >
        {(Object.keys(COMPARE_LABELS) as CompareSetting[]).map((key) => (
          <option value={key} key={key}>
            {key === "off" ? COMPARE_LABELS[key] : `Compare: ${COMPARE_LABELS[key]}`}
          </option>
        ))}
      </select>
    </div>
  );
}

export function FilterBar() {
  const dash = useDashboard();
  const [adding, setAdding] = useState(false);
  const { filters } = dash.state;
  return (
    <div class="filter-bar" aria-label="Filters" role="region">
      {filters.map((filter, index) => {
        const text = filterText(filter);
        return (
          <span class="chip" key={`${index}-${text}`} data-dim={filter.dim} title={text}>
            <Filter size={12} class="chip-icon" />
            <span class="chip-text">
              <span class="chip-dim">{dimensionLabel(filter.dim)}</span>{" "}
              <span class="chip-op">{OPERATOR_LABELS[filter.op]}</span>{" "}
              <strong class="chip-value">
                {filter.values
                  .map((v) =>
                    filter.op.startsWith("contains") || filter.op.startsWith("matches")
                      ? `“${v}”`
                      : valueLabel(filter.dim, v),
                  )
                  .join(" or ")}
              </strong>
            </span>
            <button
              type="button"
              class="chip-remove"
              aria-label={`Remove filter: ${text}`}
              onClick={() => dash.update({ filters: withoutFilter(filters, index) })}
            >
              <Close size={13} />
            </button>
          </span>
        );
      })}
      <button type="button" class="btn btn-small btn-ghost add-filter" onClick={() => setAdding(true)}>
        <Plus size={14} /> Filter
      </button>
      {filters.length > 1 && (
        <button type="button" class="btn btn-small btn-ghost" onClick={() => dash.update({ filters: [] })}>
          Clear all
        </button>
      )}
      {adding && <FilterModal onClose={() => setAdding(false)} />}
    </div>
  );
}

export function SiteNav(props: { active: "dashboard" | "settings" }) {
  const dash = useDashboard();
  if (dash.publicView) return null;
  const id = dash.site.id;
  return (
    <nav class="site-nav" aria-label="Site">
      <Link href={`/sites/${id}`} class="site-nav-link" aria-current={props.active === "dashboard" ? "page" : undefined}>
        Dashboard
      </Link>
      <span class="site-nav-link is-disabled" aria-disabled="true" title="A live view is coming soon">
        Live <span class="badge badge-muted">soon</span>
      </span>
      <Link href={`/sites/${id}/settings`} class="site-nav-link" aria-current={props.active === "settings" ? "page" : undefined}>
        <Settings size={14} /> Settings
      </Link>
    </nav>
  );
}
