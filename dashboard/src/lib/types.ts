/** Shapes of the Footfall HTTP API, as the dashboard uses them. */

export type Role = "owner" | "admin" | "viewer";

export interface User {
  id: number;
  email: string;
  name: string;
  is_admin: boolean;
  created_at: string;
}

export interface PublicSite {
  id: number;
  domain: string;
  name: string;
  timezone: string;
}

export interface Site extends PublicSite {
  role: Role;
  snippet: string;
  allowed_origins: string[];
  public: boolean;
  created_at: string;
}

export interface SiteStatus {
  has_events: boolean;
  last_event_at: string | null;
}

export interface Member {
  user_id: number;
  email: string;
  name: string;
  role: Role;
  created_at: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export interface RegisterResponse extends TokenResponse {
  user: User;
}

export type MetricName =
  | "visitors"
  | "visits"
  | "pageviews"
  | "views_per_visit"
  | "bounce_rate"
  | "visit_duration"
  | "events"
  | "scroll_depth"
  | "time_on_page"
  | "percentage";

export type LeafOperator = "is" | "is_not" | "contains" | "contains_not" | "matches" | "matches_not";

/** A filter as the dashboard keeps it (one condition on one dimension). */
export interface FilterLeaf {
  op: LeafOperator;
  dim: string;
  values: string[];
}

/** A filter on the wire. */
export type ApiFilter =
  | [LeafOperator, string, string[]]
  | [LeafOperator, string, string[], { case_sensitive: boolean }]
  | ["and" | "or", ApiFilter[]]
  | ["not", ApiFilter];

export type DateRange = string | [string, string];
export type CompareMode = "previous_period" | "year_over_year";

export interface QueryBody {
  site_id: number;
  metrics: MetricName[];
  dimensions?: string[];
  filters?: ApiFilter[];
  date_range: DateRange;
  compare?: CompareMode;
  order_by?: [string, "asc" | "desc"][];
  limit?: number;
  offset?: number;
}

export type MetricValue = number | null;

export interface QueryRow {
  dimensions: string[];
  metrics: MetricValue[];
  comparison?: {
    dimensions: string[];
    metrics: MetricValue[];
    change: MetricValue[];
  };
}

export interface QueryResult {
  results: QueryRow[];
  comparison?: {
    date_range: { start: string; end: string };
    results: QueryRow[];
  };
  meta: {
    date_range: { start: string; end: string };
    timezone: string;
    total_rows: number;
    metrics: string[];
    dimensions: string[];
  };
}
