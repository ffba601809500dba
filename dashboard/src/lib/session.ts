/** Who is signed in: restored from the refresh cookie on start, ended on logout or expiry. */

import { useEffect, useState } from "preact/hooks";
import { api } from "./api";
import { clearQueryCache } from "./cache";
import type { User } from "./types";

export type SessionState =
  | { status: "loading" }
  | { status: "signed_in"; user: User }
  | { status: "signed_out"; expired?: boolean }
  | { status: "error"; error: Error };

let state: SessionState = { status: "loading" };
const listeners = new Set<(s: SessionState) => void>();

function set(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

export function getSession(): SessionState {
  return state;
}

export function useSession(): SessionState {
  const [value, setValue] = useState(state);
  useEffect(() => {
    listeners.add(setValue);
    setValue(state);
    return () => {
      listeners.delete(setValue);
    };
  }, []);
  return value;
}

api.onAuthChange((signedIn) => {
  if (!signedIn && state.status === "signed_in") {
    clearQueryCache();
    set({ status: "signed_out", expired: true });
  }
});

/** On start: trade the refresh cookie for an access token, if there is a session. */
export async function restoreSession(): Promise<void> {
  set({ status: "loading" });
  try {
    if (await api.refresh()) {
      set({ status: "signed_in", user: await api.me() });
    } else {
      set({ status: "signed_out" });
    }
  } catch (error) {
    set({ status: "error", error: error as Error });
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  await api.login(email, password);
  set({ status: "signed_in", user: await api.me() });
}

export async function signUp(email: string, password: string, name: string): Promise<void> {
  const user = await api.register(email, password, name);
  set({ status: "signed_in", user });
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // The token is dropped either way; the cookie expires on its own.
  }
  clearQueryCache();
  set({ status: "signed_out" });
}

export function setUser(user: User): void {
  set({ status: "signed_in", user });
}
