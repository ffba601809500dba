/** What every part of a site dashboard needs: the site, the view state and ways to change it. */

import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { QueryContext } from "../../lib/query";
import type { FilterLeaf, PublicSite, Site } from "../../lib/types";
import type { DashState } from "../../lib/urlstate";

export interface Dashboard {
  site: PublicSite & Partial<Pick<Site, "role" | "public">>;
  publicView: boolean;
  state: DashState;
  query: QueryContext;
  /** Change the view; `replace` for changes that should not add a history entry. */
  update: (patch: Partial<DashState>, options?: { replace?: boolean }) => void;
  addFilter: (filter: FilterLeaf) => void;
  /** Visitors in the period with the current filters (for conversion rates). */
  totalVisitors: number | null;
}

export const DashboardContext = createContext<Dashboard | null>(null);

export function useDashboard(): Dashboard {
  const value = useContext(DashboardContext);
  if (!value) throw new Error("useDashboard outside a dashboard");
  return value;
}
