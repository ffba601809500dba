import { describe, expect, it } from "vitest";
import { suggestedKeys } from "./EventsPanel";
import { filterText } from "./filters";
import { bucketRange } from "./MainChart";
import { activeTab, effectiveTab, PANELS } from "./panels";

describe("dashboard helpers", () => {
  it("zooms from a bucket into its days", () => {
    expect(bucketRange("2026-11-10", "day")).toEqual(["2026-11-10", "2026-11-10"]);
    expect(bucketRange("2026-11-09", "week")).toEqual(["2026-11-09", "2026-11-15"]);
    expect(bucketRange("2026-02-01", "month")).toEqual(["2026-02-01", "2026-02-28"]);
    expect(bucketRange("2026-12-01", "month")).toEqual(["2026-12-01", "2026-12-31"]);
    expect(bucketRange("2026-11-10 13:00:00", "hour")).toBeNull();
  });

  it("suggests property keys: the event's own, the tracker's, the filters', then others", () => {
    const store = { Signup: ["plan"], Purchase: ["order_id", "plan"] };
    expect(suggestedKeys(store, "Signup", ["event:props:source", "visit:country"])).toEqual([
      "plan",
      "source",
      "order_id",
    ]);
    expect(suggestedKeys({}, "Outbound Link: Click", [])).toEqual(["url"]);
    expect(suggestedKeys({ x: "not a list" } as never, "y", [])).toEqual([]);
  });

  it("describes filters in words", () => {
    expect(filterText({ op: "is", dim: "visit:source", values: ["", "Google"] })).toBe(
      "Source is Direct / None or Google",
    );
    expect(filterText({ op: "contains_not", dim: "event:page", values: ["/blog"] })).toBe(
      "Page does not contain “/blog”",
    );
    expect(filterText({ op: "is", dim: "event:props:plan", values: ["pro"] })).toBe(
      "Property plan is pro",
    );
  });

  it("drills down from a browser to its versions when filtered to it", () => {
    const tab = activeTab(PANELS.devices, "browsers");
    expect(effectiveTab(tab, []).dims).toEqual(["visit:browser"]);
    const drilled = effectiveTab(tab, [{ op: "is", dim: "visit:browser", values: ["Firefox"] }]);
    expect(drilled.dims).toEqual(["visit:browser_version"]);
    expect(drilled.column).toBe("Firefox versions");
    expect(activeTab(PANELS.sources, "nonsense").id).toBe("sources");
  });
});
