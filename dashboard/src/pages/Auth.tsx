import { useState } from "preact/hooks";
import { Logo } from "../components/icons";
import { Field, FormAlert, Link, fieldError, formError } from "../components/ui";
import { useTitle } from "../lib/hooks";
import { useLocation } from "../lib/router";
import { signIn, signUp } from "../lib/session";

function nextSuffix(search: string): string {
  const next = new URLSearchParams(search).get("next");
  return next ? `?next=${encodeURIComponent(next)}` : "";
}

export function LoginPage() {
  useTitle("Sign in");
  const { search } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div class="auth-page">
      <form class="card auth-card" onSubmit={submit} noValidate>
        <div class="auth-logo">
          <Logo size={36} />
        </div>
        <h1>Sign in to Footfall</h1>
        <FormAlert message={formError(error, ["email", "password"])} />
        <Field label="E-mail" id="login-email" error={fieldError(error, "email")}>
          <input
            id="login-email"
            type="email"
            autoFocus
            autoComplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "email")}
          />
        </Field>
        <Field label="Password" id="login-password" error={fieldError(error, "password")}>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "password")}
          />
        </Field>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p class="auth-switch">
          New to Footfall? <Link href={`/register${nextSuffix(search)}`}>Create an account</Link>
        </p>
      </form>
    </div>
  );
}

export function RegisterPage() {
  useTitle("Sign up");
  const { search } = useLocation();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signUp(email.trim(), password, name.trim());
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <div class="auth-page">
      <form class="card auth-card" onSubmit={submit} noValidate>
        <div class="auth-logo">
          <Logo size={36} />
        </div>
        <h1>Create your account</h1>
        <p class="muted center">Free, private, and yours. No credit card, no cookies.</p>
        <FormAlert message={formError(error, ["email", "password", "name"])} />
        <Field label="Name (optional)" id="register-name" error={fieldError(error, "name")}>
          <input
            id="register-name"
            autoComplete="name"
            value={name}
            maxLength={100}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
        <Field label="E-mail" id="register-email" error={fieldError(error, "email")}>
          <input
            id="register-email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "email")}
          />
        </Field>
        <Field
          label="Password"
          id="register-password"
          error={fieldError(error, "password")}
          hint="At least 8 characters."
        >
          <input
            id="register-password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={!!fieldError(error, "password")}
          />
        </Field>
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? "Creating account…" : "Create account"}
        </button>
        <p class="auth-switch">
          Already have an account? <Link href={`/login${nextSuffix(search)}`}>Sign in</Link>
        </p>
      </form>
    </div>
  );
}
