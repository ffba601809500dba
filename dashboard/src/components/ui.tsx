/** Small building blocks: links, states (loading, empty, error), fields, menus, dialogs. */

import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../lib/api";
import { onLinkClick } from "../lib/router";
import { Alert, Check, Close, Copy, Refresh } from "./icons";

export function Link(
  props: { href: string; replace?: boolean } & Omit<JSX.HTMLAttributes<HTMLAnchorElement>, "href">,
) {
  const { href, replace, onClick, ...rest } = props;
  return (
    <a
      href={href}
      {...rest}
      onClick={(event) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(event);
        onLinkClick(event, href, replace);
      }}
    />
  );
}

export function Spinner(props: { label?: string; size?: number }) {
  return (
    <span
      class="spinner"
      role="status"
      aria-label={props.label ?? "Loading"}
      style={props.size ? { width: props.size, height: props.size } : undefined}
    />
  );
}

export function Skeleton(props: { width?: string | number; height?: string | number; class?: string }) {
  return (
    <span
      class={`skeleton ${props.class ?? ""}`}
      aria-hidden="true"
      style={{ width: props.width ?? "100%", height: props.height ?? "1em" }}
    />
  );
}

export function SkeletonRows(props: { rows?: number }) {
  const widths = [92, 74, 61, 52, 44, 38, 31, 26, 20];
  return (
    <div class="skeleton-rows" aria-busy="true" aria-label="Loading">
      {Array.from({ length: props.rows ?? 6 }, (_, i) => (
        <div class="skeleton-row" key={i}>
          <Skeleton width={`${widths[i % widths.length]}%`} height="1.75rem" />
          <Skeleton width="2.5rem" height="1rem" />
        </div>
      ))}
    </div>
  );
}

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return "Something went wrong.";
}

export function ErrorState(props: {
  error: unknown;
  onRetry?: () => void;
  compact?: boolean;
  title?: string;
}) {
  return (
    <div class={`state state-error ${props.compact ? "state-compact" : ""}`} role="alert">
      <Alert size={props.compact ? 18 : 28} class="state-icon" />
      <div>
        {!props.compact && <p class="state-title">{props.title ?? "Could not load this"}</p>}
        <p class="state-text">{errorMessage(props.error)}</p>
        {props.onRetry && (
          <button type="button" class="btn btn-small" onClick={props.onRetry}>
            <Refresh size={14} /> Try again
          </button>
        )}
      </div>
    </div>
  );
}

export function EmptyState(props: {
  title: string;
  children?: ComponentChildren;
  icon?: ComponentChildren;
  compact?: boolean;
}) {
  return (
    <div class={`state state-empty ${props.compact ? "state-compact" : ""}`}>
      {props.icon && <div class="state-icon">{props.icon}</div>}
      <div>
        <p class="state-title">{props.title}</p>
        {props.children && <div class="state-text">{props.children}</div>}
      </div>
    </div>
  );
}

/** The API error's message when it names this field (or one of its items). */
export function fieldError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError) || !error.field) return undefined;
  const f = error.field;
  return f === field || f.startsWith(`${field}[`) || f.startsWith(`${field}.`)
    ? error.message
    : undefined;
}

/** The error for the form as a whole: any error not tied to one of `fields`. */
export function formError(error: unknown, fields: string[]): string | undefined {
  if (!error) return undefined;
  if (fields.some((f) => fieldError(error, f))) return undefined;
  return errorMessage(error);
}

export function Field(props: {
  label: string;
  id: string;
  error?: string;
  hint?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class={`field ${props.error ? "field-invalid" : ""}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.error ? (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      ) : (
        props.hint && (
          <p class="field-hint" id={`${props.id}-hint`}>
            {props.hint}
          </p>
        )
      )}
    </div>
  );
}

export function FormAlert(props: { message?: string; kind?: "error" | "success" }) {
  if (!props.message) return null;
  return (
    <div class={`form-alert form-alert-${props.kind ?? "error"}`} role={props.kind === "success" ? "status" : "alert"}>
      {props.kind === "success" ? <Check size={16} /> : <Alert size={16} />}
      <span>{props.message}</span>
    </div>
  );
}

/** A menu button: the popup closes on outside clicks, Escape and choosing; arrows move. */
export function Dropdown(props: {
  label: ComponentChildren;
  ariaLabel?: string;
  buttonClass?: string;
  align?: "left" | "right";
  menuClass?: string;
  children: (close: () => void) => ComponentChildren;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  const close = (refocus = true) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const menu = root.current?.querySelector<HTMLElement>("[role=menu]");
    const first = menu?.querySelector<HTMLElement>(
      "[aria-checked=true], [role=menuitem], [role=menuitemradio], input, select",
    );
    first?.focus();
    const onDown = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) close(false);
    };
    document.addEventListener("mousedown", onDown);
    return () => document.removeEventListener("mousedown", onDown);
  }, [open]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (!open) return;
    if (event.key === "Escape") {
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const items = Array.from(
      root.current?.querySelectorAll<HTMLElement>("[role=menuitem], [role=menuitemradio]") ?? [],
    );
    if (!items.length) return;
    event.preventDefault();
    const index = items.indexOf(document.activeElement as HTMLElement);
    const step = event.key === "ArrowDown" ? 1 : -1;
    items[(index + step + items.length) % items.length].focus();
  };

  return (
    <div class="dropdown" ref={root} onKeyDown={onKeyDown}>
      <button
        type="button"
        ref={button}
        class={props.buttonClass ?? "btn"}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={props.ariaLabel}
        onClick={() => setOpen(!open)}
      >
        {props.label}
      </button>
      {open && (
        <div
          class={`dropdown-menu dropdown-${props.align ?? "left"} ${props.menuClass ?? ""}`}
          role="menu"
        >
          {props.children(() => close())}
        </div>
      )}
    </div>
  );
}

/** A modal dialog on the native <dialog> (focus trap, Escape and inert page for free). */
export function Modal(props: {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  actions?: ComponentChildren;
  wide?: boolean;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      onClose.current();
    };
    dialog.addEventListener("cancel", cancel);
    return () => {
      dialog.removeEventListener("cancel", cancel);
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`modal ${props.wide ? "modal-wide" : ""}`}
      aria-labelledby="modal-title"
      onClick={(event) => {
        if (event.target === ref.current) props.onClose();
      }}
    >
      <div class="modal-box">
        <header class="modal-header">
          <h2 id="modal-title">{props.title}</h2>
          {props.actions}
          <button type="button" class="btn-icon" aria-label="Close" onClick={props.onClose}>
            <Close size={18} />
          </button>
        </header>
        <div class="modal-body">{props.children}</div>
      </div>
    </dialog>
  );
}

// --- toasts -----------------------------------------------------------------------------

interface ToastItem {
  id: number;
  text: string;
  kind: "info" | "error";
}
let toastItems: ToastItem[] = [];
let toastId = 0;
const toastListeners = new Set<(items: ToastItem[]) => void>();

export function toast(text: string, kind: "info" | "error" = "info"): void {
  const id = ++toastId;
  toastItems = [...toastItems.slice(-2), { id, text, kind }];
  for (const l of toastListeners) l(toastItems);
  window.setTimeout(() => {
    toastItems = toastItems.filter((t) => t.id !== id);
    for (const l of toastListeners) l(toastItems);
  }, 3500);
}

export function Toasts() {
  const [items, setItems] = useState(toastItems);
  useEffect(() => {
    toastListeners.add(setItems);
    return () => {
      toastListeners.delete(setItems);
    };
  }, []);
  return (
    <div class="toasts" aria-live="polite" aria-atomic="false">
      {items.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} role={t.kind === "error" ? "alert" : "status"}>
          {t.text}
        </div>
      ))}
    </div>
  );
}

/** Copy text to the clipboard; without clipboard access, select the text for Ctrl+C. */
export function CopyButton(props: { text: string; label?: string; selectTarget?: () => HTMLElement | null }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const id = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(id);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setCopied(true);
    } catch {
      const target = props.selectTarget?.();
      if (target) {
        const range = document.createRange();
        range.selectNodeContents(target);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
      toast("Press Ctrl+C (⌘C) to copy the selected text.");
    }
  };
  return (
    <button type="button" class="btn btn-small" onClick={copy}>
      {copied ? <Check size={14} /> : <Copy size={14} />}
      <span>{copied ? "Copied" : (props.label ?? "Copy")}</span>
    </button>
  );
}
