import type { TraceWithFullDetails } from "@wick/contracts";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { apiGet } from "../api/client.ts";
import type { KeyPair } from "../auth/keys.ts";
import { CopyButton } from "../common/CopyButton.tsx";
import { formatCost, formatDuration } from "../common/format.ts";
import { ErrorPanel, Loading } from "../common/Status.tsx";
import { Link } from "../routing/Link.tsx";
import { ObservationDetail, TraceDetail } from "./ObservationDetail.tsx";
import { ObservationTree, type TreeLine } from "./ObservationTree.tsx";
import { axisTicks, timeSpan } from "./timeline.ts";
import { buildTree, visibleRows } from "./tree.ts";

/** The trace itself is the tree's top row; its id cannot clash with an observation's. */
const TRACE_ROW = "\u0000trace";

export function TracePage({ keys, traceId, onSignOut }: { keys: KeyPair; traceId: string; onSignOut: () => void }) {
  const trace = useQuery({
    queryKey: ["trace", keys.publicKey, traceId],
    queryFn: ({ signal }) => apiGet<TraceWithFullDetails>(keys, `/traces/${encodeURIComponent(traceId)}`, {}, signal),
  });
  return (
    <section className="page trace-page">
      <p>
        <Link href="/traces">← Traces</Link>
      </p>
      {trace.isPending ? (
        <Loading what="the trace" />
      ) : trace.isError ? (
        <ErrorPanel error={trace.error} onSignOut={onSignOut} onRetry={() => trace.refetch()} />
      ) : (
        <TraceView trace={trace.data} />
      )}
    </section>
  );
}

function TraceView({ trace }: { trace: TraceWithFullDetails }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selectedId, setSelectedId] = useState(TRACE_ROW);
  const roots = useMemo(() => buildTree(trace.observations), [trace.observations]);
  const span = useMemo(() => timeSpan(trace.observations, trace.timestamp), [trace.observations, trace.timestamp]);
  const byId = useMemo(() => new Map(trace.observations.map((observation) => [observation.id, observation])), [trace.observations]);

  const lines = useMemo<TreeLine[]>(() => {
    const traceOpen = !collapsed.has(TRACE_ROW);
    const top: TreeLine = {
      id: TRACE_ROW,
      depth: 0,
      hasChildren: roots.length > 0,
      expanded: traceOpen,
      type: "TRACE",
      name: trace.name ?? trace.id,
      level: "DEFAULT",
      startTime: new Date(span.start).toISOString(),
      endTime: new Date(span.end).toISOString(),
    };
    if (!traceOpen) return [top];
    return [
      top,
      ...visibleRows(roots, collapsed).map(({ node, depth }) => ({
        id: node.item.id,
        depth: depth + 1,
        hasChildren: node.children.length > 0,
        expanded: !collapsed.has(node.item.id),
        type: node.item.type,
        name: node.item.name ?? node.item.id,
        level: node.item.level,
        startTime: node.item.startTime,
        endTime: node.item.endTime,
      })),
    ];
  }, [roots, collapsed, trace.name, trace.id, span]);

  const toggle = (id: string, expand: boolean) => {
    const next = new Set(collapsed);
    if (expand) next.delete(id);
    else next.add(id);
    setCollapsed(next);
  };

  const selected = byId.get(selectedId);
  const ticks = axisTicks(span);
  return (
    <>
      <header className="trace-header">
        <h1>{trace.name ?? "Trace"}</h1>
        <span className="muted">
          <code>{trace.id}</code> <CopyButton value={trace.id} />
        </span>
        <span>
          {trace.observations.length.toLocaleString()} observations · {formatDuration(trace.latency * 1000)} · {formatCost(trace.totalCost)}
        </span>
      </header>
      <div className="trace-layout">
        <div className="tree-pane">
          <div className="tree-head">
            <span>Observation</span>
            <span className="axis">
              {ticks.map((tick, index) => (
                // Ticks are positions on the axis, equal when the trace takes no time.
                // biome-ignore lint/suspicious/noArrayIndexKey: see above
                <span key={index} style={{ left: `${(index / (ticks.length - 1)) * 100}%` }}>
                  {formatDuration(tick)}
                </span>
              ))}
            </span>
          </div>
          <ObservationTree lines={lines} span={span} selectedId={selectedId} onSelect={setSelectedId} onToggle={toggle} />
        </div>
        <div className="detail-pane">
          {selected ? <ObservationDetail observation={selected} scores={trace.scores.filter((score) => score.observationId === selected.id)} /> : <TraceDetail trace={trace} />}
        </div>
      </div>
    </>
  );
}
