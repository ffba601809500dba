import { Link } from "../components/ui";
import { useTitle } from "../lib/hooks";

export function NotFoundPage(props: { message?: string }) {
  useTitle("Not found");
  return (
    <div class="page narrow center-page">
      <p class="big-code" aria-hidden="true">
        404
      </p>
      <h1>{props.message ?? "This page does not exist"}</h1>
      <p class="muted">The link may be old, or you may not have access to it.</p>
      <Link href="/" class="btn btn-primary">
        Go to the start page
      </Link>
    </div>
  );
}
