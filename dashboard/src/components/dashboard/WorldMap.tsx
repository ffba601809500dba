/**
 * The countries map. Loaded lazily as its own chunk together with its geometry (Natural Earth
 * 1:110m via world-atlas) and the ISO numeric to alpha-2 table.
 */

import { MapChart } from "echarts/charts";
import { VisualMapComponent } from "echarts/components";
import * as echarts from "echarts/core";
import codes from "i18n-iso-countries/codes.json";
import { useMemo } from "preact/hooks";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-110m.json";
import { countryName } from "../../lib/dimensions";
import { formatExact, formatNumber, formatPercent } from "../../lib/format";
import { chartColors, escapeHtml, tooltipBase } from "../../lib/echarts";
import { useDarkMode } from "../../lib/hooks";
import type { QueryRow } from "../../lib/types";
import { EChart } from "../EChart";

echarts.use([MapChart, VisualMapComponent]);

export interface WorldMapProps {
  rows: QueryRow[];
  onSelect: (row: QueryRow) => void;
}

const MAP_NAME = "footfall-world";

type Ring = number[][];

/**
 * Rings that cross the antimeridian (Russia's far east, Fiji) jump from +180 to -180, which a
 * flat projection draws as a band across the whole map: move their western points east instead.
 */
function unwrapRing(ring: Ring): Ring {
  const crosses = ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1][0]) > 180);
  return crosses ? ring.map(([x, y]) => [x < 0 ? x + 360 : x, y]) : ring;
}

function unwrapAntimeridian<G extends { type: string }>(geometry: G): G {
  const g = geometry as unknown as { type: string; coordinates: unknown };
  if (g.type === "Polygon") {
    return { ...geometry, coordinates: (g.coordinates as Ring[]).map(unwrapRing) };
  }
  if (g.type === "MultiPolygon") {
    return {
      ...geometry,
      coordinates: (g.coordinates as Ring[][]).map((polygon) => polygon.map(unwrapRing)),
    };
  }
  return geometry;
}

function registerWorld(): void {
  const alpha2 = new Map<string, string>();
  for (const [a2, , numeric] of codes as string[][]) alpha2.set(numeric, a2);
  const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.countries);
  const features = collection.features
    .filter((f) => f.id !== "010") // Antarctica: a lot of white at the bottom, no visitors
    .map((f) => ({
      ...f,
      geometry: unwrapAntimeridian(f.geometry),
      properties: { name: alpha2.get(String(f.id)) ?? `x-${f.properties?.name ?? f.id}` },
    }));
  echarts.registerMap(MAP_NAME, { type: "FeatureCollection", features } as never);
}
registerWorld();

export function WorldMap(props: WorldMapProps) {
  const dark = useDarkMode();
  const option = useMemo(() => {
    const colors = chartColors();
    const data = props.rows
      .filter((r) => r.dimensions[0])
      .map((r) => ({
        name: r.dimensions[0],
        value: r.metrics[0] ?? 0,
        share: r.metrics[1] ?? null,
      }));
    const max = Math.max(1, ...data.map((d) => d.value));
    return {
      animation: false,
      textStyle: { fontFamily: colors.font },
      tooltip: {
        ...tooltipBase(colors),
        trigger: "item",
        formatter: (params: { name: string; data?: { value: number; share: number | null } }) => {
          const name = escapeHtml(countryName(params.name.startsWith("x-") ? "" : params.name));
          if (!params.data) return `<strong>${name}</strong><br/>No visitors`;
          const share = params.data.share === null ? "" : ` (${escapeHtml(formatPercent(params.data.share))})`;
          return `<strong>${name}</strong><br/>${escapeHtml(formatExact(params.data.value))} visitors${share}`;
        },
      },
      visualMap: {
        type: "continuous",
        min: 0,
        max,
        show: true,
        orient: "horizontal",
        left: "left",
        bottom: 0,
        itemWidth: 10,
        itemHeight: 90,
        text: [formatNumber(max), "0"],
        textStyle: { color: colors.muted, fontSize: 11 },
        inRange: { color: [colors.mapLow, colors.brand] },
        calculable: false,
      },
      series: [
        {
          type: "map",
          map: MAP_NAME,
          roam: false,
          // Full width; the height follows from the map's proportions (the box has the
          // same aspect ratio in CSS).
          left: 0,
          right: 0,
          top: 0,
          selectedMode: false,
          itemStyle: { areaColor: colors.mapEmpty, borderColor: colors.surface, borderWidth: 0.5 },
          emphasis: {
            label: { show: false },
            itemStyle: { areaColor: colors.compare },
          },
          label: { show: false },
          data,
        },
      ],
    };
  }, [props.rows, dark]);

  const byCode = useMemo(() => new Map(props.rows.map((r) => [r.dimensions[0], r])), [props.rows]);
  const top = props.rows[0];
  return (
    <EChart
      option={option}
      height="auto"
      class="map-chart"
      testId="world-map"
      label={
        top
          ? `World map of visitors by country; most from ${countryName(top.dimensions[0])} (${formatExact(top.metrics[0])}).`
          : "World map of visitors by country."
      }
      onClick={(params) => {
        const row = params.name ? byCode.get(params.name) : undefined;
        if (row) props.onSelect(row);
      }}
    />
  );
}
