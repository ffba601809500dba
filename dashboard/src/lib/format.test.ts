import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  formatBucket,
  formatBucketLong,
  formatChange,
  formatDateTime,
  formatDay,
  formatDayRange,
  formatDecimal,
  formatDuration,
  formatExact,
  formatMetric,
  formatNumber,
  formatPercent,
  nowIn,
} from "./format";

describe("formatNumber", () => {
  it.each([
    [0, "0"],
    [7, "7"],
    [942, "942"],
    [999, "999"],
    [1000, "1k"],
    [1200, "1.2k"],
    [1249, "1.2k"],
    [12_345, "12.3k"],
    [99_999, "100k"],
    [123_456, "123k"],
    [999_999, "1M"],
    [3_400_000, "3.4M"],
    [12_500_000, "12.5M"],
    [2_100_000_000, "2.1B"],
    [-1500, "-1.5k"],
    [2.55, "2.55"],
  ])("%s -> %s", (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it("shows a dash for missing values", () => {
    expect(formatNumber(null)).toBe("—");
    expect(formatNumber(undefined)).toBe("—");
    expect(formatNumber(Number.NaN)).toBe("—");
  });

  it("groups exact numbers", () => {
    expect(formatExact(3175, "en-US")).toBe("3,175");
    expect(formatExact(null)).toBe("—");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [0.4, "0s"],
    [45, "45s"],
    [59.6, "1m"],
    [60, "1m"],
    [200, "3m 20s"],
    [182, "3m 2s"],
    [3600, "1h"],
    [3725, "1h 2m"],
    [90_000, "1d 1h"],
  ])("%s s -> %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it("shows a dash for missing values", () => {
    expect(formatDuration(null)).toBe("—");
  });
});

describe("formatPercent", () => {
  it.each([
    [45, "45%"],
    [38, "38%"],
    [36.9, "37%"],
    [4.5, "4.5%"],
    [4.0, "4%"],
    [0, "0%"],
    [100, "100%"],
  ])("%s -> %s", (value, text) => {
    expect(formatPercent(value)).toBe(text);
  });
  it("shows a dash for missing values", () => {
    expect(formatPercent(null)).toBe("—");
  });
});

describe("formatMetric", () => {
  it("picks the format by metric", () => {
    expect(formatMetric("visitors", 3175)).toBe("3.2k");
    expect(formatMetric("views_per_visit", 2.55)).toBe("2.55");
    expect(formatMetric("views_per_visit", 2)).toBe("2");
    expect(formatMetric("bounce_rate", 38)).toBe("38%");
    expect(formatMetric("visit_duration", 182)).toBe("3m 2s");
    expect(formatMetric("time_on_page", 41)).toBe("41s");
    expect(formatMetric("scroll_depth", 55.4)).toBe("55%");
    expect(formatDecimal(1.5)).toBe("1.5");
  });
});

describe("formatChange", () => {
  it("says up and good for more visitors", () => {
    expect(formatChange("visitors", 36.3)).toEqual({ text: "36%", direction: "up", good: true });
    expect(formatChange("visitors", -1.64)).toEqual({
      text: "1.6%",
      direction: "down",
      good: false,
    });
  });
  it("counts a lower bounce rate as good, in percentage points", () => {
    expect(formatChange("bounce_rate", -3)).toEqual({ text: "3 pp", direction: "down", good: true });
    expect(formatChange("bounce_rate", 2.5)).toEqual({
      text: "2.5 pp",
      direction: "up",
      good: false,
    });
  });
  it("handles no change and unknown change", () => {
    expect(formatChange("visitors", 0)).toEqual({ text: "0%", direction: "flat", good: null });
    expect(formatChange("visitors", 0.01).direction).toBe("flat");
    expect(formatChange("visitors", null)).toEqual({ text: "—", direction: "none", good: null });
  });
});

describe("dates", () => {
  it("labels buckets without shifting them by the browser's timezone", () => {
    expect(formatBucket("2025-06-10 13:00:00", "hour", "en-GB")).toBe("13:00");
    expect(formatBucket("2025-06-10", "day", "en-GB")).toBe("10 Jun");
    expect(formatBucket("2025-06-09", "week", "en-GB")).toBe("9 Jun");
    expect(formatBucket("2025-06-01", "month", "en-GB")).toBe("Jun 2025");
    expect(formatBucket("not a date", "day", "en-GB")).toBe("not a date");
  });

  it("writes long labels for tooltips", () => {
    expect(formatBucketLong("2025-06-10", "day", "en-GB")).toBe("Tue, 10 Jun 2025");
    expect(formatBucketLong("2025-06-09", "week", "en-GB")).toBe("Week of 9 Jun 2025");
    expect(formatBucketLong("2025-06-01", "month", "en-GB")).toBe("June 2025");
    expect(formatBucketLong("2025-06-10 00:00:00", "hour", "en-GB")).toBe("Tue 10 Jun, 00:00");
  });

  it("formats days and ranges", () => {
    expect(formatDay("2026-11-22", "en-GB")).toBe("22 Nov 2026");
    expect(formatDayRange("2026-10-24", "2026-11-22", "en-GB")).toBe("24 Oct – 22 Nov 2026");
    expect(formatDayRange("2025-12-20", "2026-01-05", "en-GB")).toBe(
      "20 Dec 2025 – 5 Jan 2026",
    );
    expect(formatDayRange("2026-11-22", "2026-11-22", "en-GB")).toBe("22 Nov 2026");
  });

  it("shows instants in the site's timezone", () => {
    const iso = "2026-11-22T23:30:00Z";
    expect(formatDateTime(iso, "Europe/Berlin", "en-GB")).toBe("23 Nov 2026, 00:30");
    expect(formatDateTime(iso, "America/New_York", "en-GB")).toBe("22 Nov 2026, 18:30");
    expect(formatDateTime(iso, "Not/AZone", "en-GB")).toBe("22 Nov 2026, 23:30");
  });

  it("knows the wall clock in a timezone", () => {
    const now = new Date("2026-11-22T23:30:00Z");
    expect(nowIn("Europe/Berlin", now)).toEqual({ day: "2026-11-23", hour: 0 });
    expect(nowIn("Asia/Tokyo", now)).toEqual({ day: "2026-11-23", hour: 8 });
    expect(nowIn("UTC", now)).toEqual({ day: "2026-11-22", hour: 23 });
  });

  it("counts and shifts days", () => {
    expect(daysBetween("2026-02-27", "2026-03-01")).toBe(2);
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
  });
});
