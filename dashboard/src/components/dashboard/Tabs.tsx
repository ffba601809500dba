/** An ARIA tab list: arrow keys move between tabs, Home/End jump. */

import { useRef } from "preact/hooks";

export interface TabItem {
  id: string;
  label: string;
}

export function Tabs(props: {
  id: string;
  label: string;
  tabs: TabItem[];
  active: string;
  onSelect: (id: string) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (event: KeyboardEvent) => {
    const keys = ["ArrowLeft", "ArrowRight", "Home", "End"];
    if (!keys.includes(event.key)) return;
    event.preventDefault();
    const index = props.tabs.findIndex((t) => t.id === props.active);
    let next = index;
    if (event.key === "ArrowLeft") next = (index - 1 + props.tabs.length) % props.tabs.length;
    if (event.key === "ArrowRight") next = (index + 1) % props.tabs.length;
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = props.tabs.length - 1;
    props.onSelect(props.tabs[next].id);
    window.requestAnimationFrame(() =>
      list.current?.querySelector<HTMLElement>(`#${props.id}-tab-${props.tabs[next].id}`)?.focus(),
    );
  };
  if (props.tabs.length < 2) return null;
  return (
    <div class="tabs" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKeyDown}>
      {props.tabs.map((tab) => {
        const selected = tab.id === props.active;
        return (
          <button
            type="button"
            role="tab"
            key={tab.id}
            id={`${props.id}-tab-${tab.id}`}
            aria-selected={selected}
            aria-controls={`${props.id}-panel`}
            tabIndex={selected ? 0 : -1}
            class="tab"
            onClick={() => props.onSelect(tab.id)}
          >
            {tab.label}
          </button>
        );
      })}
    </div>
  );
}
