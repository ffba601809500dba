/** Site settings: general, visibility, allowed origins, snippet, members, deletion. */

import { useEffect, useState } from "preact/hooks";
import { type Dashboard, DashboardContext } from "../components/dashboard/context";
import { SiteNav, SiteSwitcher } from "../components/dashboard/TopBar";
import { Lock, Plus, Trash } from "../components/icons";
import { SnippetBox } from "../components/SnippetBox";
import { TimezoneSelect } from "../components/TimezoneSelect";
import {
  ErrorState,
  Field,
  FormAlert,
  Link,
  Skeleton,
  SkeletonRows,
  fieldError,
  formError,
  toast,
} from "../components/ui";
import { ApiError, api } from "../lib/api";
import { formatInstantDay } from "../lib/format";
import { useAsync, useTitle } from "../lib/hooks";
import { navigate } from "../lib/router";
import { useSession } from "../lib/session";
import { invalidateSites } from "../lib/sites";
import type { Member, Role, Site } from "../lib/types";
import { DEFAULT_STATE } from "../lib/urlstate";
import { NotFoundPage } from "./NotFound";

const ROLE_LABELS: Record<Role, string> = { owner: "Owner", admin: "Admin", viewer: "Viewer" };

export function SiteSettingsPage(props: { siteId: number }) {
  const site = useAsync((signal) => api.site(props.siteId, signal), `site-settings:${props.siteId}`);
  const [current, setCurrent] = useState<Site | null>(null);
  useEffect(() => {
    if (site.data) setCurrent(site.data);
  }, [site.data]);
  useTitle(current ? `Settings · ${current.domain}` : "Settings");

  if (site.error instanceof ApiError && site.error.status === 404) {
    return <NotFoundPage message="Site not found" />;
  }
  if (site.error) {
    return (
      <div class="page">
        <ErrorState error={site.error} onRetry={site.reload} />
      </div>
    );
  }
  if (!current) {
    return (
      <div class="page settings" aria-busy="true">
        <Skeleton width="14rem" height="2.5rem" />
        <div class="card settings-card">
          <SkeletonRows rows={4} />
        </div>
      </div>
    );
  }
  const canManage = current.role !== "viewer";
  const dash: Dashboard = {
    site: current,
    publicView: false,
    state: DEFAULT_STATE,
    query: { siteId: current.id, timezone: current.timezone, anonymous: false, state: DEFAULT_STATE },
    update: () => undefined,
    addFilter: () => undefined,
    totalVisitors: null,
  };
  const saved = (next: Site) => {
    setCurrent(next);
    invalidateSites();
  };

  return (
    <DashboardContext.Provider value={dash}>
      <div class="page settings">
        <div class="dash-head">
          <SiteSwitcher />
          <SiteNav active="settings" />
        </div>
        <h1 class="settings-title">Site settings</h1>
        {!canManage && (
          <div class="notice" role="note">
            <Lock size={16} /> You have view-only access to this site. Owners and admins can change
            its settings.
          </div>
        )}
        <GeneralSection site={current} canManage={canManage} onSaved={saved} />
        <VisibilitySection site={current} canManage={canManage} onSaved={saved} />
        <OriginsSection site={current} canManage={canManage} onSaved={saved} />
        <section class="card settings-card" aria-labelledby="snippet-title">
          <h2 id="snippet-title">Tracking snippet</h2>
          <p class="muted">Put this in the &lt;head&gt; of every page of {current.domain}.</p>
          <SnippetBox snippet={current.snippet} />
          <p class="small">
            <Link href={`/sites/${current.id}/install`}>Check the installation →</Link>
          </p>
        </section>
        <MembersSection site={current} canManage={canManage} />
        {canManage && <DangerSection site={current} />}
      </div>
    </DashboardContext.Provider>
  );
}

function GeneralSection(props: { site: Site; canManage: boolean; onSaved: (s: Site) => void }) {
  const { site } = props;
  const [name, setName] = useState(site.name);
  const [domain, setDomain] = useState(site.domain);
  const [timezone, setTimezone] = useState(site.timezone);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const changed = name !== site.name || domain !== site.domain || timezone !== site.timezone;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const next = await api.updateSite(site.id, { name: name.trim(), domain: domain.trim(), timezone });
      props.onSaved(next);
      setName(next.name);
      setDomain(next.domain);
      setTimezone(next.timezone);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const disabled = !props.canManage;
  return (
    <form class="card settings-card" onSubmit={submit} aria-labelledby="general-title" noValidate>
      <h2 id="general-title">General</h2>
      <FormAlert message={formError(error, ["name", "domain", "timezone"])} />
      <FormAlert kind="success" message={done ? "Saved." : undefined} />
      <div class="form-grid">
        <Field label="Name" id="settings-name" error={fieldError(error, "name")}>
          <input id="settings-name" value={name} maxLength={100} disabled={disabled} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field
          label="Domain"
          id="settings-domain"
          error={fieldError(error, "domain")}
          hint={domain !== site.domain ? "Update data-domain in your snippet too." : undefined}
        >
          <input
            id="settings-domain"
            value={domain}
            disabled={disabled}
            spellcheck={false}
            autoCapitalize="off"
            onInput={(e) => setDomain(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "domain")}
          />
        </Field>
        <Field
          label="Reporting timezone"
          id="settings-timezone"
          error={fieldError(error, "timezone")}
          hint="Changing it rebuilds daily summaries in the new timezone."
        >
          <TimezoneSelect id="settings-timezone" value={timezone} onChange={setTimezone} disabled={disabled} />
        </Field>
      </div>
      {props.canManage && (
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy || !changed}>
            {busy ? "Saving…" : "Save changes"}
          </button>
        </div>
      )}
    </form>
  );
}

function VisibilitySection(props: { site: Site; canManage: boolean; onSaved: (s: Site) => void }) {
  const { site } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onSaved(await api.updateSite(site.id, { public: !site.public }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card settings-card" aria-labelledby="visibility-title">
      <h2 id="visibility-title">Public dashboard</h2>
      <FormAlert message={formError(error, [])} />
      <div class="toggle-row">
        <div>
          <p>
            Anyone with the link can see this site's dashboard, read-only, without signing in. Settings
            and members stay private.
          </p>
          {site.public && (
            <p class="small">
              Public link:{" "}
              <Link href={`/public/${site.id}`} data-testid="public-link">
                {`${window.location.origin}/public/${site.id}`}
              </Link>
            </p>
          )}
        </div>
        <button
          type="button"
          role="switch"
          aria-checked={site.public}
          aria-label="Public dashboard"
          class="switch"
          disabled={!props.canManage || busy}
          onClick={toggle}
        >
          <span class="switch-thumb" />
        </button>
      </div>
    </section>
  );
}

function OriginsSection(props: { site: Site; canManage: boolean; onSaved: (s: Site) => void }) {
  const { site } = props;
  const [origins, setOrigins] = useState<string[]>(site.allowed_origins);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const changed = JSON.stringify(origins) !== JSON.stringify(site.allowed_origins);

  const errorAt = (index: number) =>
    error instanceof ApiError && error.field === `allowed_origins[${index}]` ? error.message : undefined;

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      const cleaned = origins.map((o) => o.trim()).filter(Boolean);
      const next = await api.updateSite(site.id, { allowed_origins: cleaned });
      props.onSaved(next);
      setOrigins(next.allowed_origins);
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const disabled = !props.canManage;
  const listError =
    error instanceof ApiError && error.field === "allowed_origins" ? error.message : undefined;
  const other =
    error && !(error instanceof ApiError && error.field?.startsWith("allowed_origins")) ? error : null;
  return (
    <form class="card settings-card" onSubmit={submit} aria-labelledby="origins-title" noValidate>
      <h2 id="origins-title">Allowed origins</h2>
      <p class="muted">
        Other origins whose pages may send events for this site, as <code>scheme://host[:port]</code>{" "}
        (e.g. a shop on another domain).
      </p>
      <FormAlert message={listError ?? formError(other, [])} />
      <FormAlert kind="success" message={done ? "Saved." : undefined} />
      {origins.length === 0 && <p class="muted small">No extra origins.</p>}
      <ul class="origin-list" role="list">
        {origins.map((origin, index) => (
          <li key={index}>
            <div class={`field ${errorAt(index) ? "field-invalid" : ""}`}>
              <label class="sr-only" for={`origin-${index}`}>
                Origin {index + 1}
              </label>
              <div class="input-row">
                <input
                  id={`origin-${index}`}
                  value={origin}
                  placeholder="https://shop.example.com"
                  disabled={disabled}
                  spellcheck={false}
                  autoCapitalize="off"
                  aria-invalid={!!errorAt(index)}
                  onInput={(e) => {
                    const next = [...origins];
                    next[index] = e.currentTarget.value;
                    setOrigins(next);
                  }}
                />
                {!disabled && (
                  <button
                    type="button"
                    class="btn-icon"
                    aria-label={`Remove origin ${origin || index + 1}`}
                    onClick={() => setOrigins(origins.filter((_, i) => i !== index))}
                  >
                    <Trash size={16} />
                  </button>
                )}
              </div>
              {errorAt(index) && (
                <p class="field-error" role="alert">
                  {errorAt(index)}
                </p>
              )}
            </div>
          </li>
        ))}
      </ul>
      {!disabled && (
        <div class="form-actions form-actions-split">
          <button
            type="button"
            class="btn btn-small"
            disabled={origins.length >= 20}
            onClick={() => setOrigins([...origins, ""])}
          >
            <Plus size={14} /> Add origin
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy || !changed}>
            {busy ? "Saving…" : "Save origins"}
          </button>
        </div>
      )}
    </form>
  );
}

function MembersSection(props: { site: Site; canManage: boolean }) {
  const { site } = props;
  const session = useSession();
  const me = session.status === "signed_in" ? session.user : null;
  const members = useAsync((signal) => api.members(site.id, signal), `members:${site.id}`);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [rowError, setRowError] = useState<{ id: number; message: string } | null>(null);
  const isOwner = site.role === "owner";

  const add = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.addMember(site.id, email.trim(), role);
      setEmail("");
      toast("Member added.");
      members.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (member: Member, next: Role) => {
    setRowError(null);
    try {
      await api.addMember(site.id, member.email, next);
      toast(`${member.name || member.email} is now ${ROLE_LABELS[next].toLowerCase()}.`);
      members.reload();
    } catch (e) {
      setRowError({ id: member.user_id, message: (e as Error).message });
      members.reload();
    }
  };

  const remove = async (member: Member) => {
    setRowError(null);
    try {
      await api.removeMember(site.id, member.user_id);
      invalidateSites();
      if (member.user_id === me?.id) {
        toast(`You left ${site.domain}.`);
        navigate("/sites");
        return;
      }
      toast(`${member.name || member.email} removed.`);
      members.reload();
    } catch (e) {
      setRowError({ id: member.user_id, message: (e as Error).message });
    }
  };

  return (
    <section class="card settings-card" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <p class="muted">
        Owners and admins manage the site; viewers see the dashboard. People need a Footfall account
        on this server first.
      </p>
      {members.error && !members.data ? (
        <ErrorState compact error={members.error} onRetry={members.reload} />
      ) : !members.data ? (
        <SkeletonRows rows={2} />
      ) : (
        <ul class="member-list" role="list" data-testid="members">
          {members.data.map((m) => {
            const self = m.user_id === me?.id;
            const canEdit = props.canManage && !self && (isOwner || m.role !== "owner");
            return (
              <li class="member" key={m.user_id} data-email={m.email}>
                <span class="avatar" aria-hidden="true">
                  {(m.name || m.email).slice(0, 1).toUpperCase()}
                </span>
                <div class="member-who">
                  <strong class="truncate">
                    {m.name || m.email}
                    {self && <span class="muted"> (you)</span>}
                  </strong>
                  <span class="muted small truncate">
                    {m.name ? `${m.email} · ` : ""}since {formatInstantDay(m.created_at, site.timezone)}
                  </span>
                  {rowError?.id === m.user_id && (
                    <span class="field-error" role="alert">
                      {rowError.message}
                    </span>
                  )}
                </div>
                {canEdit ? (
                  <select
                    class="select-small"
                    value={m.role}
                    aria-label={`Role of ${m.email}`}
                    onChange={(e) => void changeRole(m, e.currentTarget.value as Role)}
                  >
                    {(["owner", "admin", "viewer"] as Role[])
                      .filter((r) => isOwner || r !== "owner")
                      .map((r) => (
                        <option value={r} key={r}>
                          {ROLE_LABELS[r]}
                        </option>
                      ))}
                  </select>
                ) : (
                  <span class="badge badge-muted">{ROLE_LABELS[m.role]}</span>
                )}
                {(canEdit || self) && (
                  <button
                    type="button"
                    class="btn btn-small btn-ghost btn-danger-text"
                    onClick={() => void remove(m)}
                    aria-label={self ? "Leave this site" : `Remove ${m.email}`}
                  >
                    {self ? "Leave" : "Remove"}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {props.canManage && (
        <form class="member-add" onSubmit={add} noValidate>
          <h3>Add a member</h3>
          <FormAlert message={formError(error, ["email", "role"])} />
          <div class="member-add-row">
            <Field label="E-mail" id="member-email" error={fieldError(error, "email")}>
              <input
                id="member-email"
                type="email"
                value={email}
                placeholder="colleague@example.com"
                onInput={(e) => setEmail(e.currentTarget.value)}
                aria-invalid={!!fieldError(error, "email")}
              />
            </Field>
            <Field label="Role" id="member-role" error={fieldError(error, "role")}>
              <select id="member-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                {(["viewer", "admin", "owner"] as Role[])
                  .filter((r) => isOwner || r !== "owner")
                  .map((r) => (
                    <option value={r} key={r}>
                      {ROLE_LABELS[r]}
                    </option>
                  ))}
              </select>
            </Field>
            <button type="submit" class="btn btn-primary" disabled={busy || !email.trim()}>
              {busy ? "Adding…" : "Add"}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function DangerSection(props: { site: Site }) {
  const { site } = props;
  const [typed, setTyped] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const matches = typed.trim().toLowerCase() === site.domain.toLowerCase();
  const remove = async (event: Event) => {
    event.preventDefault();
    if (!matches) return;
    setBusy(true);
    setError(null);
    try {
      await api.deleteSite(site.id);
      invalidateSites();
      toast(`${site.domain} and all its data were deleted.`);
      navigate("/sites");
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <form class="card settings-card danger-zone" onSubmit={remove} aria-labelledby="danger-title" noValidate>
      <h2 id="danger-title">Delete this site</h2>
      <p>
        This removes <strong>{site.domain}</strong>, its members and every recorded event for good.
        It cannot be undone.
      </p>
      <FormAlert message={formError(error, [])} />
      <Field label={`Type ${site.domain} to confirm`} id="delete-confirm">
        <input
          id="delete-confirm"
          value={typed}
          autoComplete="off"
          spellcheck={false}
          autoCapitalize="off"
          onInput={(e) => setTyped(e.currentTarget.value)}
        />
      </Field>
      <div class="form-actions">
        <button type="submit" class="btn btn-danger" disabled={!matches || busy}>
          <Trash size={15} /> {busy ? "Deleting…" : "Delete site"}
        </button>
      </div>
    </form>
  );
}
