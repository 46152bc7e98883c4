import { type CSSProperties, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { formatDuration } from "../common/format.ts";
import { barFor, type TimeSpan } from "./timeline.ts";
import { type KeyRow, treeKeyAction } from "./tree.ts";
import { typeMark } from "./types.ts";

export interface TreeLine extends KeyRow {
  type: string;
  name: string;
  level: string;
  startTime: string;
  endTime: string | null;
}

const ROW_HEIGHT = 28;

/** The duration sits after its bar, or before it when the bar ends near the right edge, or inside a bar that spans the axis. */
function durationLabelPlace(offset: number, width: number): CSSProperties {
  if (offset + width <= 0.8) return { left: `${(offset + width) * 100}%` };
  if (offset >= 0.15) return { right: `${(1 - offset) * 100}%`, paddingRight: 4 };
  return { left: `${offset * 100}%`, color: "#fff" };
}
const OVERSCAN = 10;

/**
 * The tree and its waterfall, one row per visible node. Only the rows in view (plus a margin) are in
 * the DOM, so a trace of tens of thousands of observations scrolls and navigates as a small one.
 */
export function ObservationTree({
  lines,
  span,
  selectedId,
  onSelect,
  onToggle,
}: {
  lines: TreeLine[];
  span: TimeSpan;
  selectedId: string;
  onSelect: (id: string) => void;
  onToggle: (id: string, expand: boolean) => void;
}) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const selectedIndex = lines.findIndex((line) => line.id === selectedId);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // Keyboard moves keep the selected row in view.
  useEffect(() => {
    const element = viewport.current;
    if (!element || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
  }, [selectedIndex]);

  const keyDown = (event: KeyboardEvent) => {
    const action = treeKeyAction(lines, selectedIndex, event.key);
    if (action.kind === "none") return;
    event.preventDefault();
    if (action.kind === "select") onSelect(lines[action.index]!.id);
    else onToggle(action.id, action.kind === "expand");
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  return (
    <div
      ref={viewport}
      className="tree"
      role="tree"
      aria-label="Observations"
      aria-activedescendant={selectedIndex >= 0 ? `node-${selectedIndex}` : undefined}
      tabIndex={0}
      onKeyDown={keyDown}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div style={{ height: lines.length * ROW_HEIGHT, position: "relative" }}>
        {lines.slice(first, last).map((line, offset) => {
          const index = first + offset;
          const bar = barFor(line, span);
          return (
            // Keys go to the tree itself, which points at the selected row (aria-activedescendant), as the tree pattern asks.
            // biome-ignore lint/a11y/useKeyWithClickEvents: see above
            <div
              key={line.id}
              tabIndex={-1}
              id={`node-${index}`}
              role="treeitem"
              aria-level={line.depth + 1}
              aria-selected={line.id === selectedId}
              aria-expanded={line.hasChildren ? line.expanded : undefined}
              className={`tree-row${line.id === selectedId ? " selected" : ""} level-${line.level}`}
              style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
              onClick={() => onSelect(line.id)}
            >
              <span className="tree-label" style={{ paddingLeft: line.depth * 14 }}>
                {line.hasChildren ? (
                  <button
                    type="button"
                    className="twisty"
                    tabIndex={-1}
                    aria-label={line.expanded ? "Collapse" : "Expand"}
                    onClick={(event) => {
                      event.stopPropagation();
                      onToggle(line.id, !line.expanded);
                    }}
                  >
                    {line.expanded ? "▾" : "▸"}
                  </button>
                ) : (
                  <span className="twisty" />
                )}
                <span className={`type type-${line.type}`} title={line.type}>
                  {typeMark(line.type)} {line.type.toLowerCase()}
                </span>
                <span className="name">{line.name}</span>
                {line.level === "ERROR" || line.level === "WARNING" ? <span className={`level-mark ${line.level}`}>{line.level}</span> : null}
              </span>
              <span className="bar-track">
                <span className={`bar type-${line.type}`} style={{ left: `${bar.offset * 100}%`, width: `${bar.width * 100}%` }} />
                <span className="bar-text" style={durationLabelPlace(bar.offset, bar.width)}>
                  {formatDuration(bar.durationMs)}
                </span>
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
