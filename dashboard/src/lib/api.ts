/**
 * The API client: one access token in memory (never in storage), the refresh cookie handled
 * by the browser, and a single shared refresh when several requests meet an expired token.
 *
 * A refresh token that is presented twice revokes its whole session family on the server, so
 * refreshes must never overlap: inside a tab they share one in-flight promise, and across tabs
 * they queue on a Web Lock when the browser offers one.
 */

import type {
  Member,
  PublicSite,
  QueryBody,
  QueryResult,
  RegisterResponse,
  Role,
  Site,
  SiteStatus,
  TokenResponse,
  User,
} from "./types";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface LockLike {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "The request was not accepted.",
  401: "Please sign in again.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  409: "This clashes with something that already exists.",
  413: "The request is too large.",
  429: "Too many requests; wait a moment and try again.",
  500: "The server ran into an error. Try again in a moment.",
  502: "The server is not reachable right now.",
  503: "The server is busy right now. Try again in a moment.",
};

/** An error from the API ({"error": {"code", "message", "field"?}}) or from the network. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException
    ? error.name === "AbortError"
    : (error as { name?: string } | null)?.name === "AbortError";
}

/** The ApiError a failed response stands for, whatever its body looks like. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const status = response.status;
  let code = status >= 500 ? "server_error" : "error";
  let message = DEFAULT_MESSAGES[status] ?? `The request failed (HTTP ${status}).`;
  let field: string | undefined;
  try {
    const body: unknown = await response.json();
    const error = (body as { error?: unknown } | null)?.error;
    if (error && typeof error === "object") {
      const e = error as Record<string, unknown>;
      if (typeof e.code === "string" && e.code) code = e.code;
      if (typeof e.message === "string" && e.message) message = e.message;
      if (typeof e.field === "string" && e.field) field = e.field;
    }
  } catch {
    // Not JSON (a proxy's error page, an empty body): keep the generic message.
  }
  return new ApiError(status, code, message, field);
}

export function networkError(): ApiError {
  return new ApiError(
    0,
    "network",
    "Cannot reach the Footfall server. Check your connection and try again.",
  );
}

/** "user": send the access token and refresh it on 401. "none": anonymous (public pages). */
export type AuthMode = "user" | "none";

export interface RequestOptions {
  method?: string;
  body?: unknown;
  auth?: AuthMode;
  signal?: AbortSignal;
}

export type RefreshOutcome = boolean;

export class Api {
  private token: string | null = null;
  private refreshing: Promise<RefreshOutcome> | null = null;
  private readonly listeners = new Set<(signedIn: boolean) => void>();

  constructor(
    private readonly fetchImpl: FetchLike,
    private readonly locks?: LockLike,
  ) {}

  get signedIn(): boolean {
    return this.token !== null;
  }

  /** The current access token (tests and diagnostics only). */
  get accessToken(): string | null {
    return this.token;
  }

  setToken(token: string | null): void {
    const was = this.token !== null;
    this.token = token;
    if (was !== (token !== null)) for (const listener of this.listeners) listener(token !== null);
  }

  /** Called with true when a session starts and false when it ends. */
  onAuthChange(listener: (signedIn: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth ?? "user";
    let sent = auth === "user" ? this.token : null;
    let response = await this.send(path, options, sent);
    if (response.status === 401 && auth === "user") {
      // Another request may already have refreshed while this one was in flight.
      const renewed = this.token !== null && this.token !== sent ? true : await this.refresh();
      if (renewed) {
        sent = this.token;
        response = await this.send(path, options, sent);
      }
    }
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Trade the refresh cookie for a new access token. Resolves true when signed in, false when
   * there is no valid session; rejects only when the server cannot be reached or fails.
   */
  refresh(): Promise<RefreshOutcome> {
    if (!this.refreshing) {
      const run = () => this.doRefresh();
      const attempt = this.locks ? this.locks.request("footfall-auth-refresh", run) : run();
      this.refreshing = attempt.finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<RefreshOutcome> {
    const response = await this.send("/api/v1/auth/refresh", { method: "POST" }, null);
    if (response.ok) {
      const body = (await response.json()) as TokenResponse;
      this.setToken(body.access_token);
      return true;
    }
    if (response.status === 401 || response.status === 403) {
      this.setToken(null);
      return false;
    }
    throw await errorFromResponse(response);
  }

  private async send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Bearer ${token}`;
    try {
      return await this.fetchImpl(path, {
        method: options.method ?? (options.body === undefined ? "GET" : "POST"),
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: "same-origin",
        signal: options.signal,
      });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw networkError();
    }
  }

  // --- accounts -------------------------------------------------------------------------

  async login(email: string, password: string): Promise<void> {
    const body = await this.request<TokenResponse>("/api/v1/auth/login", {
      method: "POST",
      body: { email, password },
      auth: "none",
    });
    this.setToken(body.access_token);
  }

  async register(email: string, password: string, name: string): Promise<User> {
    const body = await this.request<RegisterResponse>("/api/v1/auth/register", {
      method: "POST",
      body: { email, password, name },
      auth: "none",
    });
    this.setToken(body.access_token);
    return body.user;
  }

  async logout(): Promise<void> {
    try {
      await this.request<void>("/api/v1/auth/logout", { method: "POST", auth: "none" });
    } finally {
      this.setToken(null);
    }
  }

  me(signal?: AbortSignal): Promise<User> {
    return this.request<User>("/api/v1/auth/me", { signal });
  }

  updateMe(changes: { name?: string; email?: string }): Promise<User> {
    return this.request<User>("/api/v1/auth/me", { method: "PATCH", body: changes });
  }

  changePassword(current_password: string, new_password: string): Promise<void> {
    return this.request<void>("/api/v1/auth/password", {
      method: "POST",
      body: { current_password, new_password },
    });
  }

  // --- sites ----------------------------------------------------------------------------

  sites(signal?: AbortSignal): Promise<Site[]> {
    return this.request<Site[]>("/api/v1/sites", { signal });
  }

  site(id: number, signal?: AbortSignal): Promise<Site> {
    return this.request<Site>(`/api/v1/sites/${id}`, { signal });
  }

  createSite(body: {
    domain: string;
    name?: string;
    timezone?: string;
    allowed_origins?: string[];
    public?: boolean;
  }): Promise<Site> {
    return this.request<Site>("/api/v1/sites", { method: "POST", body });
  }

  updateSite(
    id: number,
    changes: Partial<Pick<Site, "domain" | "name" | "timezone" | "allowed_origins" | "public">>,
  ): Promise<Site> {
    return this.request<Site>(`/api/v1/sites/${id}`, { method: "PATCH", body: changes });
  }

  deleteSite(id: number): Promise<void> {
    return this.request<void>(`/api/v1/sites/${id}`, { method: "DELETE" });
  }

  siteStatus(id: number, signal?: AbortSignal): Promise<SiteStatus> {
    return this.request<SiteStatus>(`/api/v1/sites/${id}/status`, { signal });
  }

  members(id: number, signal?: AbortSignal): Promise<Member[]> {
    return this.request<Member[]>(`/api/v1/sites/${id}/members`, { signal });
  }

  addMember(id: number, email: string, role: Role): Promise<Member> {
    return this.request<Member>(`/api/v1/sites/${id}/members`, {
      method: "POST",
      body: { email, role },
    });
  }

  removeMember(id: number, userId: number): Promise<void> {
    return this.request<void>(`/api/v1/sites/${id}/members/${userId}`, { method: "DELETE" });
  }

  publicSites(signal?: AbortSignal): Promise<PublicSite[]> {
    return this.request<PublicSite[]>("/api/v1/public/sites", { auth: "none", signal });
  }

  publicSite(id: number, signal?: AbortSignal): Promise<PublicSite> {
    return this.request<PublicSite>(`/api/v1/public/sites/${id}`, { auth: "none", signal });
  }

  // --- stats ----------------------------------------------------------------------------

  /** Run a query; `anonymous` for public dashboards (members' tokens would be refused there). */
  query(body: QueryBody, options: { anonymous?: boolean; signal?: AbortSignal } = {}) {
    return this.request<QueryResult>("/api/v1/query", {
      method: "POST",
      body,
      auth: options.anonymous ? "none" : "user",
      signal: options.signal,
    });
  }
}

function browserLocks(): LockLike | undefined {
  const nav = typeof navigator === "undefined" ? undefined : navigator;
  const locks = nav && "locks" in nav ? (nav.locks as LockManager | undefined) : undefined;
  if (!locks) return undefined;
  return {
    request: <T>(name: string, callback: () => Promise<T>) =>
      locks.request(name, callback) as Promise<T>,
  };
}

/** The app's one client. */
export const api = new Api((input, init) => fetch(input, init), browserLocks());
