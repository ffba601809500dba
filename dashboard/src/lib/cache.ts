/** A short-lived cache of query results, so flipping tabs back and forth does not refetch. */

const TTL_MS = 60_000;
const MAX_ENTRIES = 300;
const entries = new Map<string, { at: number; value: unknown }>();

export function cached<T>(key: string): T | undefined {
  const entry = entries.get(key);
  if (!entry) return undefined;
  if (Date.now() - entry.at > TTL_MS) {
    entries.delete(key);
    return undefined;
  }
  return entry.value as T;
}

export function remember(key: string, value: unknown): void {
  entries.delete(key);
  entries.set(key, { at: Date.now(), value });
  while (entries.size > MAX_ENTRIES) {
    const oldest = entries.keys().next().value;
    if (oldest === undefined) break;
    entries.delete(oldest);
  }
}

export function clearQueryCache(): void {
  entries.clear();
}
