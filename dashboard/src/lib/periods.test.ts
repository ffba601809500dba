import { describe, expect, it } from "vitest";
import {
  chooseInterval,
  dateRangeOf,
  defaultInterval,
  intervalsFor,
  isDay,
  periodLabel,
  spanDays,
} from "./periods";

describe("periods", () => {
  it("maps to the API's date_range", () => {
    expect(dateRangeOf({ period: "7d" })).toBe("7d");
    expect(dateRangeOf({ period: "custom", from: "2026-01-01", to: "2026-01-05" })).toEqual([
      "2026-01-01",
      "2026-01-05",
    ]);
  });

  it("labels periods", () => {
    expect(periodLabel({ period: "day" })).toBe("Today");
    expect(periodLabel({ period: "91d" })).toBe("Last 91 days");
    expect(periodLabel({ period: "custom", from: "2026-01-01", to: "2026-01-05" }, "en-GB")).toBe(
      "1 Jan – 5 Jan 2026",
    );
  });

  it("knows spans", () => {
    expect(spanDays({ period: "day" }, "2026-11-22")).toBe(1);
    expect(spanDays({ period: "month" }, "2026-11-22")).toBe(22);
    expect(spanDays({ period: "last_month" }, "2026-11-22")).toBe(31);
    expect(spanDays({ period: "last_month" }, "2026-03-05")).toBe(28);
    expect(spanDays({ period: "year" }, "2026-02-01")).toBe(32);
    expect(spanDays({ period: "all" }, "2026-11-22")).toBeNull();
    expect(spanDays({ period: "custom", from: "2026-01-01", to: "2026-01-01" }, "x")).toBe(1);
  });

  it("picks readable buckets", () => {
    expect(defaultInterval(1)).toBe("hour");
    expect(defaultInterval(30)).toBe("day");
    expect(defaultInterval(365)).toBe("week");
    expect(defaultInterval(900)).toBe("month");
    expect(intervalsFor(1)).toEqual(["hour"]);
    expect(intervalsFor(7)).toEqual(["hour", "day"]);
    expect(intervalsFor(365)).toEqual(["day", "week", "month"]);
    expect(chooseInterval(30, "hour")).toBe("day");
    expect(chooseInterval(365, "month")).toBe("month");
  });

  it("validates days", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-30")).toBe(false);
    expect(isDay("26-02-01")).toBe(false);
    expect(isDay(undefined)).toBe(false);
  });
});
