/** Account settings: name, e-mail, password. */

import { useState } from "preact/hooks";
import { LogOut } from "../components/icons";
import { Field, FormAlert, Link, fieldError, formError } from "../components/ui";
import { api } from "../lib/api";
import { formatInstantDay } from "../lib/format";
import { useTitle } from "../lib/hooks";
import { navigate } from "../lib/router";
import { setUser, signOut, useSession } from "../lib/session";
import { browserTimezone } from "../lib/timezones";
import type { User } from "../lib/types";

export function AccountPage() {
  useTitle("Account");
  const session = useSession();
  if (session.status !== "signed_in") return null;
  return (
    <div class="page narrow settings">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/sites">Sites</Link> <span aria-hidden="true">/</span> <span>Account</span>
      </nav>
      <h1 class="settings-title">Account settings</h1>
      <ProfileSection user={session.user} />
      <PasswordSection email={session.user.email} />
      <section class="card settings-card" aria-labelledby="session-title">
        <h2 id="session-title">Session</h2>
        <p class="muted">
          Member since {formatInstantDay(session.user.created_at, browserTimezone())}.
          Signing out ends this browser's session.
        </p>
        <div class="form-actions">
          <button
            type="button"
            class="btn"
            onClick={() => void signOut().then(() => navigate("/"))}
          >
            <LogOut size={15} /> Sign out
          </button>
        </div>
      </section>
    </div>
  );
}

function ProfileSection(props: { user: User }) {
  const [name, setName] = useState(props.user.name);
  const [email, setEmail] = useState(props.user.email);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const changed = name !== props.user.name || email !== props.user.email;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const changes: { name?: string; email?: string } = {};
      if (name !== props.user.name) changes.name = name.trim();
      if (email !== props.user.email) changes.email = email.trim();
      const user = await api.updateMe(changes);
      setUser(user);
      setName(user.name);
      setEmail(user.email);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card settings-card" onSubmit={submit} aria-labelledby="profile-title" noValidate>
      <h2 id="profile-title">Profile</h2>
      <FormAlert message={formError(error, ["name", "email"])} />
      <FormAlert kind="success" message={done ? "Profile saved." : undefined} />
      <div class="form-grid">
        <Field label="Name" id="account-name" error={fieldError(error, "name")}>
          <input
            id="account-name"
            autoComplete="name"
            maxLength={100}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field label="E-mail" id="account-email" error={fieldError(error, "email")}>
          <input
            id="account-email"
            type="email"
            autoComplete="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "email")}
          />
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !changed}>
          {busy ? "Saving…" : "Save profile"}
        </button>
      </div>
    </form>
  );
}

function PasswordSection(props: { email: string }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setDone(false);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    try {
      await api.changePassword(current, next);
      // A new password ends every session, this browser's refresh cookie included: sign in
      // again with it so this tab keeps working.
      await api.login(props.email, next);
      setCurrent("");
      setNext("");
      setConfirm("");
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="card settings-card" onSubmit={submit} aria-labelledby="password-title" noValidate>
      <h2 id="password-title">Password</h2>
      <p class="muted">Changing it signs you out everywhere else.</p>
      <FormAlert message={formError(error, ["current_password", "new_password"])} />
      <FormAlert kind="success" message={done ? "Password changed." : undefined} />
      <div class="form-grid">
        <Field label="Current password" id="password-current" error={fieldError(error, "current_password")}>
          <input
            id="password-current"
            type="password"
            autoComplete="current-password"
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "current_password")}
          />
        </Field>
        <Field
          label="New password"
          id="password-new"
          error={fieldError(error, "new_password")}
          hint="At least 8 characters."
        >
          <input
            id="password-new"
            type="password"
            autoComplete="new-password"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "new_password")}
          />
        </Field>
        <Field
          label="Repeat new password"
          id="password-confirm"
          error={mismatch ? "The passwords do not match." : undefined}
        >
          <input
            id="password-confirm"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onInput={(e) => setConfirm(e.currentTarget.value)}
            aria-invalid={mismatch}
          />
        </Field>
      </div>
      <div class="form-actions">
        <button type="submit" class="btn btn-primary" disabled={busy || !current || !next || !confirm}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </div>
    </form>
  );
}
