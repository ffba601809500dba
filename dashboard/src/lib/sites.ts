/** The signed-in user's sites, shared by the sites list and the site switcher. */

import { api } from "./api";
import type { Site } from "./types";

let cache: { at: number; sites: Promise<Site[]> } | null = null;

/** Shared by several components, so one caller leaving must not abort it for the others. */
export function loadSites(fresh = false): Promise<Site[]> {
  if (!cache || fresh || Date.now() - cache.at > 30_000) {
    const sites = api.sites();
    cache = { at: Date.now(), sites };
    sites.catch(() => {
      cache = null;
    });
  }
  return cache.sites;
}

export function invalidateSites(): void {
  cache = null;
}
