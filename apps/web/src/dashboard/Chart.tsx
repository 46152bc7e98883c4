import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

// Only the parts the dashboard draws, so the chart library stays a fraction of its full size.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export interface ChartTable {
  columns: string[];
  /** Formatted cells; the first names the row, the others are numbers. */
  rows: string[][];
}

const prefersDark = () => window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;

/**
 * One chart with its numbers: the chart shows them on hover, and the table below it (folded) has
 * them all, for reading, copying, and screen readers.
 */
export function Chart({ title, option, table, empty }: { title: string; option: ChartOption; table: ChartTable; empty: boolean }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, prefersDark() ? "dark" : undefined, { renderer: "canvas" });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: "transparent", ...option }, { notMerge: true });
  }, [option]);

  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {empty && <p className="muted chart-empty">No data in this range.</p>}
      <div ref={element} className="chart-canvas" hidden={empty} />
      <details className="chart-numbers">
        <summary>Numbers</summary>
        <table>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th key={column}>{column}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row[0]}>
                {row.map((cell, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed per table
                  <td key={index} className={index > 0 ? "num" : undefined}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
