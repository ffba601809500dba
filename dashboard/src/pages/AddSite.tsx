import { useState } from "preact/hooks";
import { TimezoneSelect } from "../components/TimezoneSelect";
import { Field, FormAlert, Link, fieldError, formError } from "../components/ui";
import { api } from "../lib/api";
import { useTitle } from "../lib/hooks";
import { navigate } from "../lib/router";
import { invalidateSites } from "../lib/sites";
import { browserTimezone } from "../lib/timezones";

export function AddSitePage() {
  useTitle("Add a site");
  const [domain, setDomain] = useState("");
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState(browserTimezone);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const site = await api.createSite({
        domain: domain.trim(),
        name: name.trim() || undefined,
        timezone,
      });
      invalidateSites();
      navigate(`/sites/${site.id}/install`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div class="page narrow">
      <nav class="breadcrumbs" aria-label="Breadcrumb">
        <Link href="/sites">Sites</Link> <span aria-hidden="true">/</span> <span>Add a site</span>
      </nav>
      <form class="card form-card" onSubmit={submit} noValidate>
        <h1>Add a site</h1>
        <p class="muted">
          You get a one-line snippet next. Footfall counts events sent for this domain and its
          subdomains.
        </p>
        <FormAlert message={formError(error, ["domain", "name", "timezone"])} />
        <Field
          label="Domain"
          id="site-domain"
          error={fieldError(error, "domain")}
          hint="Without https:// or www, e.g. example.com"
        >
          <input
            id="site-domain"
            required
            autoFocus
            placeholder="example.com"
            inputMode="url"
            autoCapitalize="off"
            spellcheck={false}
            value={domain}
            onInput={(e) => setDomain(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "domain")}
          />
        </Field>
        <Field label="Name (optional)" id="site-name" error={fieldError(error, "name")} hint="Shown in the dashboard; defaults to the domain.">
          <input
            id="site-name"
            maxLength={100}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field
          label="Reporting timezone"
          id="site-timezone"
          error={fieldError(error, "timezone")}
          hint="Days and hours in reports follow this timezone."
        >
          <TimezoneSelect
            id="site-timezone"
            value={timezone}
            onChange={setTimezone}
            invalid={!!fieldError(error, "timezone")}
          />
        </Field>
        <div class="form-actions">
          <Link href="/sites" class="btn btn-ghost">
            Cancel
          </Link>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? "Adding…" : "Add site"}
          </button>
        </div>
      </form>
    </div>
  );
}
