import { Activity, Globe, Lock, Server, Shield, Zap } from "../components/icons";
import { Link, Skeleton } from "../components/ui";
import { api } from "../lib/api";
import { useAsync, useTitle } from "../lib/hooks";

const FEATURES = [
  {
    icon: <Shield size={20} />,
    title: "No cookies, no personal data",
    text: "Visitors are counted with a daily rotating hash. No consent banner needed, nothing to leak.",
  },
  {
    icon: <Zap size={20} />,
    title: "A script under 2 KB",
    text: "Pageviews, SPA navigation, scroll depth, engaged time, outbound links, downloads and custom events.",
  },
  {
    icon: <Server size={20} />,
    title: "Yours to host",
    text: "One process, embedded storage. Your data stays on your machine, under your rules.",
  },
  {
    icon: <Activity size={20} />,
    title: "Answers, not reports",
    text: "Sources, pages, places, devices and conversions on one page. Click anything to filter.",
  },
];

export function LandingPage() {
  useTitle("");
  const demo = useAsync((signal) => api.publicSites(signal), "public-sites");
  const first = demo.data?.[0];
  return (
    <div class="landing">
      <section class="hero">
        <div class="hero-text">
          <p class="eyebrow">
            <Lock size={14} /> Privacy-first web analytics
          </p>
          <h1>Know how people use your site. Without tracking them.</h1>
          <p class="lead">
            Footfall is simple, self-hosted analytics. Add one script tag and see where visitors come
            from, what they read and what they do, on a dashboard you can share.
          </p>
          <div class="hero-actions">
            <Link href="/register" class="btn btn-primary btn-large">
              Sign up free
            </Link>
            {demo.loading && !demo.data ? (
              <Skeleton width="8.5rem" height="2.9rem" />
            ) : first ? (
              <Link href={`/public/${first.id}`} class="btn btn-large">
                <Globe size={18} /> Live demo
              </Link>
            ) : null}
            <Link href="/login" class="btn btn-large btn-ghost">
              Sign in
            </Link>
          </div>
          {first && (
            <p class="hero-note">
              The demo shows real numbers for <strong>{first.name || first.domain}</strong>, read-only.
            </p>
          )}
        </div>
        <HeroPreview />
      </section>
      <section class="features" aria-label="Features">
        {FEATURES.map((f) => (
          <div class="feature" key={f.title}>
            <div class="feature-icon">{f.icon}</div>
            <h2>{f.title}</h2>
            <p>{f.text}</p>
          </div>
        ))}
      </section>
      <section class="install-teaser">
        <h2>One line to install</h2>
        <pre class="code">
          <code>{'<script defer src="https://your-footfall/js/footfall.js" data-domain="example.com"></script>'}</code>
        </pre>
      </section>
    </div>
  );
}

/** A decorative sketch of the dashboard (not data). */
function HeroPreview() {
  const points = [30, 42, 38, 55, 48, 62, 58, 74, 66, 81, 77, 92];
  const max = 100;
  const path = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${(i / (points.length - 1)) * 300},${110 - (p / max) * 100}`)
    .join(" ");
  return (
    <div class="hero-preview" aria-hidden="true">
      <div class="preview-cards">
        {["Visitors", "Pageviews", "Bounce rate"].map((label, i) => (
          <div class="preview-card" key={label}>
            <span>{label}</span>
            <strong>{["12.4k", "38.1k", "41%"][i]}</strong>
            <em class={i === 2 ? "good" : "good"}>{["↑ 18%", "↑ 11%", "↓ 3 pp"][i]}</em>
          </div>
        ))}
      </div>
      <svg viewBox="0 0 300 120" class="preview-chart" preserveAspectRatio="none">
        <path d={`${path} L300,120 L0,120 Z`} class="preview-area" />
        <path d={path} class="preview-line" />
      </svg>
      <div class="preview-rows">
        {[92, 71, 55, 40].map((w, i) => (
          <div class="preview-row" key={w}>
            <span style={{ width: `${w}%` }}>{["Google", "Direct / None", "Hacker News", "Newsletter"][i]}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
