/** Query bodies the dashboard sends, built from its URL state. */

import { dateRangeOf } from "./periods";
import type { CompareSetting, DashState } from "./urlstate";
import type { ApiFilter, CompareMode, FilterLeaf, QueryBody } from "./types";

/** Dashboard filters on the wire; "contains" searches ignore case. */
export function toApiFilters(filters: FilterLeaf[]): ApiFilter[] {
  return filters.map((f): ApiFilter => {
    if (f.op.startsWith("contains")) return [f.op, f.dim, f.values, { case_sensitive: false }];
    return [f.op, f.dim, f.values];
  });
}

export function compareMode(setting: CompareSetting): CompareMode | undefined {
  return setting === "off" ? undefined : setting;
}

export interface QueryContext {
  siteId: number;
  timezone: string;
  /** A public dashboard: queries go without the member's token. */
  anonymous: boolean;
  state: DashState;
}

/** The parts every dashboard query shares: site, period, filters. */
export function baseQuery(ctx: QueryContext, extraFilters: ApiFilter[] = []) {
  return {
    site_id: ctx.siteId,
    date_range: dateRangeOf(ctx.state),
    filters: [...toApiFilters(ctx.state.filters), ...extraFilters],
  } satisfies Partial<QueryBody>;
}

/** A stable cache key for a query body. */
export function queryKey(body: QueryBody, anonymous: boolean): string {
  return `${anonymous ? "anon" : "user"}:${JSON.stringify(body)}`;
}
