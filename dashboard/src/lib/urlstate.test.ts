import { describe, expect, it } from "vitest";
import type { FilterLeaf } from "./types";
import {
  DEFAULT_STATE,
  type DashState,
  decodeFilter,
  decodeState,
  encodeFilter,
  encodeState,
  withFilter,
  withoutFilter,
} from "./urlstate";

const ODD_VALUES = [
  "/blog/a,b",
  "100% & more",
  "a=b&c=d",
  "?q=1#frag",
  "plus+sign",
  "space here",
  "comma,,double",
  "pipe|and\\backslash",
  "ünïcödé / 日本語 / 🚀",
  "<img src=x onerror=alert(1)>",
  "'quotes\" and `ticks`",
  "%41 not an escape",
  "",
  " leading and trailing ",
  "new\nline\ttab",
];

describe("filters in the URL", () => {
  it("keeps slashes and colons readable", () => {
    expect(encodeFilter({ op: "is", dim: "event:page", values: ["/blog/post"] })).toBe(
      "is,event:page,/blog/post",
    );
  });

  it.each(ODD_VALUES)("round-trips %j", (value) => {
    const filter: FilterLeaf = { op: "contains", dim: "event:props:my key,1", values: [value, "x"] };
    const back = decodeFilter(encodeFilter(filter));
    expect(back).toEqual(filter);
  });

  it("rejects malformed filters", () => {
    expect(decodeFilter("is,event:page")).toBeNull();
    expect(decodeFilter("eval,event:page,x")).toBeNull();
    expect(decodeFilter("is,notadim,x")).toBeNull();
    expect(decodeFilter("is,event:page,%E0%A4%A")).toBeNull();
  });
});

describe("dashboard state in the URL", () => {
  it("encodes the default state as nothing", () => {
    expect(encodeState(DEFAULT_STATE)).toBe("");
    expect(decodeState("")).toEqual(DEFAULT_STATE);
    expect(decodeState("?")).toEqual(DEFAULT_STATE);
  });

  it("round-trips a full state, odd characters included", () => {
    const state: DashState = {
      period: "custom",
      from: "2026-01-01",
      to: "2026-01-31",
      compare: "year_over_year",
      filters: [
        { op: "is", dim: "visit:source", values: [""] },
        { op: "is", dim: "event:page", values: ODD_VALUES.filter(Boolean) },
        { op: "is_not", dim: "visit:country", values: ["DE", "FR"] },
        { op: "contains", dim: "event:props:plan & tier", values: ["a,b=c"] },
      ],
      metric: "bounce_rate",
      interval: "week",
      tabs: { sources: "channels", pages: "entry", locations: "cities", devices: "os" },
      details: "pages",
      event: "Outbound Link: Click <b>",
      prop: "url,&=",
    };
    const search = encodeState(state);
    expect(search.startsWith("?period=custom&from=2026-01-01&to=2026-01-31")).toBe(true);
    expect(decodeState(search)).toEqual(state);
    // Also through the browser's own URL parsing (what location.search returns).
    const url = new URL(`https://footfall.example/sites/1${search}#x`);
    expect(decodeState(url.search)).toEqual(state);
  });

  it("reads form-encoded spaces", () => {
    expect(decodeState("?f=is,event:page,/a+b").filters[0].values).toEqual(["/a b"]);
  });

  it("falls back to defaults for junk", () => {
    const state = decodeState(
      "?period=forever&compare=sometimes&metric=revenue&interval=decade&details=../x&sources=A*&f=bad",
    );
    expect(state).toEqual(DEFAULT_STATE);
  });

  it("needs both ends of a custom range and orders them", () => {
    expect(decodeState("?period=custom&from=2026-01-01").period).toBe("30d");
    expect(decodeState("?period=custom&from=2026-02-30&to=2026-03-01").period).toBe("30d");
    const swapped = decodeState("?period=custom&from=2026-03-01&to=2026-01-01");
    expect([swapped.from, swapped.to]).toEqual(["2026-01-01", "2026-03-01"]);
    expect(decodeState("?period=7d&from=2026-01-01&to=2026-01-02")).toEqual({
      ...DEFAULT_STATE,
      period: "7d",
    });
  });
});

describe("changing filters", () => {
  const page: FilterLeaf = { op: "is", dim: "event:page", values: ["/a"] };
  const source: FilterLeaf = { op: "is", dim: "visit:source", values: ["Google"] };

  it("replaces a filter on the same dimension and operator", () => {
    const next = withFilter([page, source], { op: "is", dim: "event:page", values: ["/b"] });
    expect(next).toEqual([source, { op: "is", dim: "event:page", values: ["/b"] }]);
  });

  it("keeps different operators side by side and removes by index", () => {
    const not: FilterLeaf = { op: "is_not", dim: "event:page", values: ["/c"] };
    const next = withFilter([page], not);
    expect(next).toEqual([page, not]);
    expect(withoutFilter(next, 0)).toEqual([not]);
  });
});
