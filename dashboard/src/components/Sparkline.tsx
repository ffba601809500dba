/** A tiny line chart in SVG (no chart library for the sites list). */

export function Sparkline(props: { values: number[]; label: string; height?: number }) {
  const { values } = props;
  const width = 120;
  const height = props.height ?? 36;
  if (values.length < 2) return <svg class="sparkline" viewBox={`0 0 ${width} ${height}`} aria-hidden="true" />;
  const max = Math.max(1, ...values);
  const pad = 3;
  const points = values.map((v, i) => {
    const x = (i / (values.length - 1)) * width;
    const y = height - pad - (v / max) * (height - pad * 2);
    return [x, y] as const;
  });
  const line = points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const area = `${line} L${width},${height} L0,${height} Z`;
  const [lastX, lastY] = points[points.length - 1];
  return (
    <svg
      class="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={props.label}
    >
      <path d={area} class="sparkline-area" />
      <path d={line} class="sparkline-line" vector-effect="non-scaling-stroke" />
      <circle cx={lastX} cy={lastY} r="2.5" class="sparkline-dot" />
    </svg>
  );
}
