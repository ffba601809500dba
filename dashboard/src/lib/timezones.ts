/** IANA timezones for the site form, grouped by region, with their current UTC offset. */

export interface ZoneGroup {
  region: string;
  zones: { id: string; label: string }[];
}

export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

function offset(zone: string, now: Date): string {
  try {
    const part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "shortOffset" })
      .formatToParts(now)
      .find((p) => p.type === "timeZoneName");
    return part ? part.value.replace("GMT", "UTC") : "";
  } catch {
    return "";
  }
}

let groups: ZoneGroup[] | null = null;

/** Every zone the browser knows (plus UTC and the given extras), grouped by region. */
export function timezoneGroups(extra: string[] = []): ZoneGroup[] {
  if (!groups) {
    let all: string[] = [];
    try {
      all = (Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf(
        "timeZone",
      );
    } catch {
      all = [];
    }
    const now = new Date();
    const byRegion = new Map<string, { id: string; label: string }[]>();
    for (const id of new Set(["UTC", ...all])) {
      const region = id.includes("/") ? id.split("/")[0] : "Other";
      const label = id === "UTC" ? "UTC" : `${id.replace(/_/g, " ")} (${offset(id, now)})`;
      if (!byRegion.has(region)) byRegion.set(region, []);
      byRegion.get(region)?.push({ id, label });
    }
    groups = [...byRegion.entries()]
      .sort(([a], [b]) => (a === "Other" ? -1 : b === "Other" ? 1 : a.localeCompare(b)))
      .map(([region, zones]) => ({ region, zones }));
  }
  const known = new Set(groups.flatMap((g) => g.zones.map((z) => z.id)));
  const missing = extra.filter((z) => z && !known.has(z));
  return missing.length
    ? [{ region: "Current", zones: missing.map((id) => ({ id, label: id })) }, ...groups]
    : groups;
}
