import { describe, expect, it } from "vitest";
import { csvCell, csvFileName, toCsv } from "./csv";

describe("csvCell", () => {
  it("leaves plain text and numbers alone", () => {
    expect(csvCell("/blog")).toBe("/blog");
    expect(csvCell(3175)).toBe("3175");
    expect(csvCell(2.55)).toBe("2.55");
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
  });

  it("quotes separators, quotes and line breaks", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
  });

  it("neutralises formulas", () => {
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\")\"");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\tx")).toBe("'\tx");
    expect(csvCell("=1,2")).toBe("\"'=1,2\"");
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("toCsv", () => {
  it("writes a header and rows with CRLF", () => {
    expect(
      toCsv(
        ["Page", "Visitors"],
        [
          ["/", 10],
          ["/a,b", 2],
        ],
      ),
    ).toBe('Page,Visitors\r\n/,10\r\n"/a,b",2\r\n');
  });

  it("names files safely", () => {
    expect(csvFileName("demo.footfall.dev", "Top pages", "30d")).toBe(
      "demo.footfall.dev-top-pages-30d.csv",
    );
    expect(csvFileName("../../etc", "")).toBe("..-..-etc.csv");
    expect(csvFileName()).toBe("export.csv");
  });
});
