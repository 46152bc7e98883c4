import { describe, expect, it } from "vitest";
import { axisTicks, barFor, timeSpan } from "../src/trace/timeline.ts";

const ms = (n: number) => new Date(Date.UTC(2026, 0, 1) + n).toISOString();

describe("timeSpan", () => {
  it("runs from the earliest start to the latest end, counting unfinished observations at their start", () => {
    const span = timeSpan([
      { startTime: ms(100), endTime: ms(400) },
      { startTime: ms(50), endTime: ms(200) },
      { startTime: ms(900), endTime: null },
    ]);
    expect(span).toEqual({ start: Date.parse(ms(50)), end: Date.parse(ms(900)) });
  });

  it("starts at the trace's timestamp when that is earlier", () => {
    expect(timeSpan([{ startTime: ms(100), endTime: ms(200) }], ms(0))).toEqual({ start: Date.parse(ms(0)), end: Date.parse(ms(200)) });
  });

  it("is empty without observations or timestamp", () => {
    expect(timeSpan([])).toEqual({ start: 0, end: 0 });
  });
});

describe("barFor", () => {
  const span = { start: Date.parse(ms(0)), end: Date.parse(ms(1000)) };

  it("places a bar by its start offset and duration, to scale", () => {
    expect(barFor({ startTime: ms(250), endTime: ms(750) }, span)).toEqual({ offset: 0.25, width: 0.5, durationMs: 500 });
  });

  it("gives zero-length and unfinished observations a visible sliver", () => {
    expect(barFor({ startTime: ms(500), endTime: ms(500) }, span)).toEqual({ offset: 0.5, width: 0.002, durationMs: 0 });
    expect(barFor({ startTime: ms(1000), endTime: null }, span)).toEqual({ offset: 0.998, width: 0.002, durationMs: null });
  });

  it("fills the axis when the whole trace takes no time", () => {
    const instant = { start: Date.parse(ms(5)), end: Date.parse(ms(5)) };
    expect(barFor({ startTime: ms(5), endTime: ms(5) }, instant)).toEqual({ offset: 0, width: 1, durationMs: 0 });
  });

  it("never runs past the end of the axis", () => {
    const bar = barFor({ startTime: ms(900), endTime: ms(5000) }, span);
    expect(bar.offset + bar.width).toBeCloseTo(1);
  });
});

describe("axisTicks", () => {
  it("splits the span evenly", () => {
    expect(axisTicks({ start: 1000, end: 3000 }, 4)).toEqual([0, 500, 1000, 1500, 2000]);
  });
});
