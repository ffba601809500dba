import { describe, expect, it, vi } from "vitest";
import { Api, ApiError, errorFromResponse, type FetchLike } from "./api";

interface Call {
  url: string;
  method: string;
  auth: string | null;
  body: unknown;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

/** A fake server: access tokens "t1", "t2", ... where only the newest is valid. */
function fakeServer(options: { refreshDelay?: number; refreshFails?: boolean } = {}) {
  let version = 1;
  const calls: Call[] = [];
  let refreshes = 0;
  const fetchImpl: FetchLike = async (url, init = {}) => {
    const headers = (init.headers ?? {}) as Record<string, string>;
    const call: Call = {
      url,
      method: init.method ?? "GET",
      auth: headers.Authorization ?? null,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    if (url === "/api/v1/auth/refresh") {
      refreshes += 1;
      if (options.refreshDelay) await new Promise((r) => setTimeout(r, options.refreshDelay));
      if (options.refreshFails) {
        return json(401, { error: { code: "invalid_refresh_token", message: "Invalid" } });
      }
      version += 1;
      return json(200, { access_token: `t${version}`, token_type: "bearer", expires_in: 900 });
    }
    if (call.auth !== `Bearer t${version}`) {
      return json(401, { error: { code: "unauthorized", message: "Authentication required" } });
    }
    if (url === "/api/v1/auth/me") return json(200, { id: 1, email: "a@b.c", name: "" });
    if (url === "/api/v1/sites/1" && call.method === "DELETE") return new Response(null, { status: 204 });
    return json(200, { ok: true, url });
  };
  return {
    fetchImpl,
    calls,
    get refreshes() {
      return refreshes;
    },
    expire() {
      version += 1;
    },
  };
}

describe("Api", () => {
  it("sends the bearer token and parses JSON", async () => {
    const server = fakeServer();
    const client = new Api(server.fetchImpl);
    client.setToken("t1");
    const me = await client.me();
    expect(me.email).toBe("a@b.c");
    expect(server.calls[0]).toMatchObject({ url: "/api/v1/auth/me", auth: "Bearer t1" });
  });

  it("refreshes once on 401 and retries the request", async () => {
    const server = fakeServer();
    const client = new Api(server.fetchImpl);
    client.setToken("t1");
    server.expire(); // t2 is valid now, the client still holds t1
    server.expire(); // refresh will give t3
    const result = await client.request<{ ok: boolean }>("/api/v1/sites");
    expect(result.ok).toBe(true);
    expect(server.refreshes).toBe(1);
    expect(server.calls.map((c) => [c.url, c.auth])).toEqual([
      ["/api/v1/sites", "Bearer t1"],
      ["/api/v1/auth/refresh", null],
      ["/api/v1/sites", "Bearer t4"],
    ]);
    expect(client.accessToken).toBe("t4");
  });

  it("shares one in-flight refresh between concurrent requests", async () => {
    const server = fakeServer({ refreshDelay: 20 });
    const client = new Api(server.fetchImpl);
    client.setToken("t0");
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => client.request<{ url: string }>(`/api/v1/x/${i}`)),
    );
    expect(results.map((r) => r.url)).toEqual([0, 1, 2, 3, 4].map((i) => `/api/v1/x/${i}`));
    expect(server.refreshes).toBe(1);
    // Later requests use the new token without refreshing again.
    await client.request("/api/v1/y");
    expect(server.refreshes).toBe(1);
  });

  it("does not refresh again when another request already did", async () => {
    const server = fakeServer({ refreshDelay: 5 });
    const client = new Api(server.fetchImpl);
    client.setToken("t0");
    await client.request("/api/v1/a");
    expect(server.refreshes).toBe(1);
    const count = server.calls.length;
    await client.request("/api/v1/b");
    expect(server.calls.length).toBe(count + 1);
  });

  it("queues refreshes on a lock when one is given", async () => {
    const server = fakeServer();
    const order: string[] = [];
    const locks = {
      request: async <T>(name: string, callback: () => Promise<T>) => {
        order.push(`lock:${name}`);
        return callback();
      },
    };
    const client = new Api(server.fetchImpl, locks);
    await client.refresh();
    expect(order).toEqual(["lock:footfall-auth-refresh"]);
    expect(client.accessToken).toBe("t2");
  });

  it("signs out when the refresh is refused and reports the 401", async () => {
    const server = fakeServer({ refreshFails: true });
    const client = new Api(server.fetchImpl);
    const changes: boolean[] = [];
    client.onAuthChange((signedIn) => changes.push(signedIn));
    client.setToken("stale");
    const error = await client.request("/api/v1/sites").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(client.signedIn).toBe(false);
    expect(changes).toEqual([true, false]);
    expect(server.refreshes).toBe(1);
  });

  it("restores a session with refresh() and reports no session as false", async () => {
    const ok = new Api(fakeServer().fetchImpl);
    expect(await ok.refresh()).toBe(true);
    expect(ok.signedIn).toBe(true);
    const none = new Api(fakeServer({ refreshFails: true }).fetchImpl);
    expect(await none.refresh()).toBe(false);
    expect(none.signedIn).toBe(false);
  });

  it("sends anonymous requests without a token and never refreshes them", async () => {
    const server = fakeServer();
    const client = new Api(server.fetchImpl);
    client.setToken("t1");
    const error = await client
      .query({ site_id: 1, metrics: ["visitors"], date_range: "7d" }, { anonymous: true })
      .catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(401);
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]).toMatchObject({ url: "/api/v1/query", auth: null, method: "POST" });
    expect(server.calls[0].body).toEqual({ site_id: 1, metrics: ["visitors"], date_range: "7d" });
  });

  it("returns undefined for 204", async () => {
    const server = fakeServer();
    const client = new Api(server.fetchImpl);
    client.setToken("t1");
    await expect(client.deleteSite(1)).resolves.toBeUndefined();
    expect(server.calls[0].method).toBe("DELETE");
  });

  it("login stores the token from the response", async () => {
    const fetchImpl = vi.fn(async () =>
      json(200, { access_token: "abc", token_type: "bearer", expires_in: 900 }),
    );
    const client = new Api(fetchImpl);
    await client.login("a@b.c", "pw");
    expect(client.accessToken).toBe("abc");
  });

  it("a wrong password is an error, not a refresh", async () => {
    const fetchImpl = vi.fn(async () =>
      json(401, { error: { code: "invalid_credentials", message: "Wrong e-mail or password" } }),
    );
    const client = new Api(fetchImpl);
    const error = (await client.login("a@b.c", "nope").catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("invalid_credentials");
    expect(error.message).toBe("Wrong e-mail or password");
    expect(fetchImpl).toHaveBeenCalledTimes(1);
  });

  it("turns network failures into a friendly error", async () => {
    const client = new Api(async () => {
      throw new TypeError("Failed to fetch");
    });
    const error = (await client.publicSites().catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.code).toBe("network");
    expect(error.status).toBe(0);
  });

  it("passes aborts through untouched", async () => {
    const client = new Api(async () => {
      throw new DOMException("The operation was aborted.", "AbortError");
    });
    const error = (await client.publicSites().catch((e: unknown) => e)) as Error;
    expect(error.name).toBe("AbortError");
  });
});

describe("errorFromResponse", () => {
  it("reads code, message and field", async () => {
    const error = await errorFromResponse(
      json(400, { error: { code: "invalid", message: "Password too short", field: "password" } }),
    );
    expect([error.status, error.code, error.message, error.field]).toEqual([
      400,
      "invalid",
      "Password too short",
      "password",
    ]);
  });

  it("copes with bodies that are not the error shape", async () => {
    const html = await errorFromResponse(new Response("<h1>Bad gateway</h1>", { status: 502 }));
    expect(html.code).toBe("server_error");
    expect(html.message).toMatch(/not reachable/);
    expect(html.field).toBeUndefined();
    const odd = await errorFromResponse(json(418, { error: "teapot" }));
    expect(odd.message).toBe("The request failed (HTTP 418).");
    const empty = await errorFromResponse(new Response(null, { status: 404 }));
    expect(empty.message).toBe("Not found.");
  });
});
