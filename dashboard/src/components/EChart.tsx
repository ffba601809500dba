/** An ECharts instance bound to a div: sized by its box, disposed on unmount. */

import { useEffect, useRef } from "preact/hooks";
import { echarts, type ChartOption } from "../lib/echarts";

export type ChartClick = (params: { name?: string; dataIndex?: number; data?: unknown }) => void;

export function EChart(props: {
  option: ChartOption;
  height: number | string;
  label: string;
  onClick?: ChartClick;
  /** A click anywhere in the plot, as the index of the category under it. */
  onAxisClick?: (index: number) => void;
  class?: string;
  testId?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const onClick = useRef(props.onClick);
  onClick.current = props.onClick;
  const onAxisClick = useRef(props.onAxisClick);
  onAxisClick.current = props.onAxisClick;

  useEffect(() => {
    if (!el.current) return;
    const instance = echarts.init(el.current, undefined, { renderer: "svg" });
    chart.current = instance;
    instance.on("click", (params) => onClick.current?.(params as Parameters<ChartClick>[0]));
    instance.getZr().on("click", (event: { offsetX: number; offsetY: number }) => {
      if (!onAxisClick.current) return;
      const point = [event.offsetX, event.offsetY];
      if (!instance.containPixel({ gridIndex: 0 }, point)) return;
      const [index] = instance.convertFromPixel({ gridIndex: 0 }, point) as number[];
      if (Number.isFinite(index)) onAxisClick.current(Math.round(index));
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(props.option, { notMerge: true, lazyUpdate: true });
  }, [props.option]);

  return (
    <div
      ref={el}
      class={`echart ${props.onClick || props.onAxisClick ? "echart-clickable" : ""} ${props.class ?? ""}`}
      style={{ height: props.height }}
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
    />
  );
}
