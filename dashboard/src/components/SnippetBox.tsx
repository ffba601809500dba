import { useRef } from "preact/hooks";
import { CopyButton } from "./ui";

export function SnippetBox(props: { snippet: string }) {
  const code = useRef<HTMLElement>(null);
  return (
    <div class="snippet">
      <pre class="code">
        <code ref={code} data-testid="snippet">
          {props.snippet}
        </code>
      </pre>
      <div class="snippet-actions">
        <CopyButton text={props.snippet} label="Copy snippet" selectTarget={() => code.current} />
      </div>
    </div>
  );
}
