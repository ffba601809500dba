/** Date ranges the dashboard offers, and the time buckets that read well for each. */

import { addDays, daysBetween, formatDayRange, type Interval } from "./format";
import type { DateRange } from "./types";

export type PeriodKey =
  | "day"
  | "yesterday"
  | "7d"
  | "28d"
  | "30d"
  | "91d"
  | "month"
  | "last_month"
  | "6mo"
  | "12mo"
  | "year"
  | "all"
  | "custom";

export interface PeriodOption {
  key: PeriodKey;
  label: string;
  /** Keyboard shortcut in the date picker. */
  hotkey?: string;
}

/** What the date picker lists (the API knows a few more, which shared URLs may carry). */
export const PERIOD_OPTIONS: PeriodOption[] = [
  { key: "day", label: "Today", hotkey: "T" },
  { key: "yesterday", label: "Yesterday", hotkey: "Y" },
  { key: "7d", label: "Last 7 days", hotkey: "W" },
  { key: "30d", label: "Last 30 days", hotkey: "M" },
  { key: "month", label: "Month to date" },
  { key: "last_month", label: "Last month" },
  { key: "12mo", label: "Last 12 months", hotkey: "L" },
  { key: "all", label: "All time", hotkey: "A" },
];

const EXTRA_LABELS: Partial<Record<PeriodKey, string>> = {
  "28d": "Last 28 days",
  "91d": "Last 91 days",
  "6mo": "Last 6 months",
  year: "Year to date",
  custom: "Custom range",
};

export const PERIOD_KEYS = new Set<PeriodKey>([
  ...PERIOD_OPTIONS.map((p) => p.key),
  ...(Object.keys(EXTRA_LABELS) as PeriodKey[]),
]);

export interface PeriodSelection {
  period: PeriodKey;
  from?: string;
  to?: string;
}

export function isDay(value: string | undefined): value is string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** The query's date_range. */
export function dateRangeOf(p: PeriodSelection): DateRange {
  if (p.period === "custom" && isDay(p.from) && isDay(p.to)) return [p.from, p.to];
  return p.period === "custom" ? "30d" : p.period;
}

export function periodLabel(p: PeriodSelection, locale?: string): string {
  if (p.period === "custom" && isDay(p.from) && isDay(p.to)) {
    return formatDayRange(p.from, p.to, locale);
  }
  return (
    PERIOD_OPTIONS.find((o) => o.key === p.period)?.label ?? EXTRA_LABELS[p.period] ?? p.period
  );
}

/** Days a period spans (null for "all", which the server resolves). */
export function spanDays(p: PeriodSelection, today: string): number | null {
  switch (p.period) {
    case "day":
    case "yesterday":
      return 1;
    case "7d":
      return 7;
    case "28d":
      return 28;
    case "30d":
      return 30;
    case "91d":
      return 91;
    case "month":
      return Number(today.slice(8, 10));
    case "last_month": {
      const firstOfThis = `${today.slice(0, 7)}-01`;
      return daysBetween(`${addDays(firstOfThis, -1).slice(0, 7)}-01`, firstOfThis);
    }
    case "6mo":
      return 183;
    case "12mo":
      return 365;
    case "year":
      return daysBetween(`${today.slice(0, 4)}-01-01`, today) + 1;
    case "all":
      return null;
    case "custom":
      return isDay(p.from) && isDay(p.to) ? daysBetween(p.from, p.to) + 1 : 30;
  }
}

/** Buckets that make sense for a span: hours up to a week, months from two months on. */
export function intervalsFor(days: number): Interval[] {
  const out: Interval[] = [];
  if (days <= 7) out.push("hour");
  if (days > 1) out.push("day");
  if (days >= 14) out.push("week");
  if (days >= 60) out.push("month");
  return out;
}

/** The default bucket: hourly for one day, daily up to a quarter, then weekly, then monthly. */
export function defaultInterval(days: number): Interval {
  if (days <= 1) return "hour";
  if (days <= 93) return "day";
  if (days <= 400) return "week";
  return "month";
}

export function chooseInterval(days: number, wanted: Interval | undefined): Interval {
  return wanted && intervalsFor(days).includes(wanted) ? wanted : defaultInterval(days);
}

export const INTERVAL_LABELS: Record<Interval, string> = {
  minute: "Minutes",
  hour: "Hours",
  day: "Days",
  week: "Weeks",
  month: "Months",
};
