/** Data loading with abort on change, stale data kept while reloading, and cached queries. */

import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { api, isAbort } from "./api";
import { cached, remember } from "./cache";
import { queryKey } from "./query";
import type { QueryBody, QueryResult } from "./types";

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Run `load` whenever `key` changes (aborting the previous run). Data from the previous key
 * stays visible while the next loads, unless `group` changes too (a different kind of data).
 */
export function useAsync<T>(
  load: ((signal: AbortSignal) => Promise<T>) | null,
  key: string,
  group = "",
): AsyncState<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({
    loading: load !== null,
  });
  const [nonce, setNonce] = useState(0);
  const lastGroup = useRef(group);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const run = loadRef.current;
    const sameGroup = lastGroup.current === group;
    lastGroup.current = group;
    if (!run) {
      setState({ loading: false });
      return;
    }
    const controller = new AbortController();
    setState((prev) => ({ data: sameGroup ? prev.data : undefined, loading: true }));
    run(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ data, loading: false });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState((prev) => ({
          data: prev.data,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        }));
      },
    );
    return () => controller.abort();
  }, [key, group, nonce]);

  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Run a stats query (null: not yet), served from the cache when fresh. */
export function useQuery(
  body: QueryBody | null,
  anonymous: boolean,
  group = "",
): AsyncState<QueryResult> {
  const key = body ? queryKey(body, anonymous) : "";
  return useAsync<QueryResult>(
    body
      ? async (signal) => {
          const hit = cached<QueryResult>(key);
          if (hit) return hit;
          const result = await api.query(body, { anonymous, signal });
          remember(key, result);
          return result;
        }
      : null,
    key,
    group,
  );
}

/** Call `callback` every `ms` while mounted (and `active`). */
export function useInterval(callback: () => void, ms: number, active = true): void {
  const saved = useRef(callback);
  saved.current = callback;
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => saved.current(), ms);
    return () => window.clearInterval(id);
  }, [ms, active]);
}

/** A value that follows `value` after it has been still for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const id = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(id);
  }, [value, ms]);
  return debounced;
}

/** Whether the OS asks for dark mode (follows changes live). */
export function useDarkMode(): boolean {
  const query = typeof window === "undefined" ? null : window.matchMedia("(prefers-color-scheme: dark)");
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const update = () => setDark(query.matches);
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);
  return dark;
}

/** Set the document title while mounted. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Footfall` : "Footfall";
  }, [title]);
}
