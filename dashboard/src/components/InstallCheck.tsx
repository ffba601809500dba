import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api";
import { formatDateTime } from "../lib/format";
import type { SiteStatus } from "../lib/types";
import { Check } from "./icons";
import { Link, Spinner } from "./ui";

const POLL_MS = 3000;

/** "Waiting for the first event" that polls /status and turns green when data arrives. */
export function InstallCheck(props: { siteId: number; timezone: string; onReceived?: () => void }) {
  const [status, setStatus] = useState<SiteStatus | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let timer = 0;
    let stopped = false;
    const controller = new AbortController();
    const poll = async () => {
      try {
        const next = await api.siteStatus(props.siteId, controller.signal);
        if (stopped) return;
        setStatus(next);
        setFailed(false);
        if (next.has_events) {
          props.onReceived?.();
          return;
        }
      } catch {
        if (stopped) return;
        setFailed(true);
      }
      timer = window.setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [props.siteId]);

  if (status?.has_events) {
    return (
      <div class="install-check install-ok" role="status" data-state="received">
        <span class="install-check-icon">
          <Check size={18} />
        </span>
        <div>
          <strong>Events are arriving.</strong>
          <p class="small">
            {status.last_event_at
              ? `Last event ${formatDateTime(status.last_event_at, props.timezone)} (site time).`
              : "Footfall has data for this site."}
          </p>
        </div>
        <Link href={`/sites/${props.siteId}`} class="btn btn-primary btn-small">
          Open dashboard
        </Link>
      </div>
    );
  }
  return (
    <div class="install-check install-waiting" role="status" data-state="waiting">
      <Spinner size={18} label="Waiting" />
      <div>
        <strong>Waiting for the first event…</strong>
        <p class="small">
          {failed
            ? "Cannot reach Footfall right now; still trying."
            : "Open your site in a browser once the snippet is in place. This checks every few seconds."}
        </p>
      </div>
    </div>
  );
}
