import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/svelte";
import FlowChart from "./FlowChart.svelte";
import { setLanguage } from "../lib/i18n/index.svelte";

const flows = [
  { month: "2026-10", inFen: 100_000, outFen: 25_050 },
  { month: "2026-11", inFen: 0, outFen: 180_000 },
];

describe("FlowChart", () => {
  it("names itself, says every value in its description and lays bars on a nice value axis", () => {
    setLanguage("zh-CN");
    render(FlowChart, { flows });
    const svg = screen.getByRole("img", { name: /每月收支/ });
    expect(svg).toHaveAccessibleDescription(/2026-10：收入 ¥1,000.00，支出 ¥250.50.*2026-11：收入 ¥0.00，支出 ¥1,800.00/);
    // d3's nice ticks over 0 … ¥1,800: 0, 500, 1,000, 1,500, 2,000 yuan.
    const ticks = screen.getAllByTestId("history-chart-tick").map((t) => t.textContent);
    expect(ticks).toEqual(["¥0", "¥500", "¥1,000", "¥1,500", "¥2,000"]);
    const nov = svg.querySelector('g[data-month="2026-11"]')!;
    const [inBar, outBar] = Array.from(nov.querySelectorAll("rect"));
    expect(Number(inBar!.getAttribute("height"))).toBe(0);
    // ¥1,800 of a ¥2,000 axis: 90 % of the plot height (170 − 10 − 22 = 138 px).
    expect(Number(outBar!.getAttribute("height"))).toBeCloseTo(138 * 0.9, 5);
    expect(outBar!.querySelector("title")).toHaveTextContent("2026-11 支出 ¥1,800.00");
  });

  it("has the same numbers as a table", () => {
    setLanguage("en");
    render(FlowChart, { flows });
    const table = screen.getByTestId("history-chart-table");
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual([
      "MonthInOut",
      "2026-10¥1,000.00¥250.50",
      "2026-11¥0.00¥1,800.00",
    ]);
  });
});
