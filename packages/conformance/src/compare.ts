import type { ReferenceOperation } from "./reference-operations.ts";

/** A route the server answers: the shape of `routeTable()`'s entries. */
export interface RouteLike {
  method: string;
  url: string;
}

export interface Comparison {
  /** Reference operations the server routes, in reference order. */
  routed: ReferenceOperation[];
  /** Reference operations the server does not route, in reference order. */
  missing: ReferenceOperation[];
  /** Server routes under `/api/` that no reference operation describes, each once, in table order. */
  extras: RouteLike[];
  /** How many reference operations were compared. */
  total: number;
}

/** Stands for any path parameter once names are dropped. */
const PARAMETER = "{}";

/**
 * A path with its parameter names dropped, so `/prompts/{name}` and `/prompts/{promptName}` have the
 * same shape. Accepts OpenAPI (`{id}`) and Fastify (`:id`) parameters, and ignores a trailing slash.
 */
export function pathShape(path: string): string {
  const segments = path.split("/").map((segment) => {
    if (segment.startsWith(":") && segment.length > 1) return PARAMETER;
    return segment.replace(/\{[^}]*\}/g, PARAMETER);
  });
  const shape = segments.join("/");
  return shape.length > 1 && shape.endsWith("/") ? shape.slice(0, -1) : shape;
}

/** The key two routes share when they are the same method on the same path shape. */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${pathShape(path)}`;
}

/** Compares the reference operations with the server's route table. Pure: reads only its arguments. */
export function compareRoutes(operations: readonly ReferenceOperation[], routes: readonly RouteLike[]): Comparison {
  const routedKeys = new Set(routes.map((route) => routeKey(route.method, route.url)));
  const referenceKeys = new Set(operations.map((operation) => routeKey(operation.method, operation.path)));

  const routed: ReferenceOperation[] = [];
  const missing: ReferenceOperation[] = [];
  for (const operation of operations) {
    (routedKeys.has(routeKey(operation.method, operation.path)) ? routed : missing).push(operation);
  }

  const extras: RouteLike[] = [];
  const seenExtras = new Set<string>();
  for (const route of routes) {
    if (!route.url.startsWith("/api/")) continue;
    const key = routeKey(route.method, route.url);
    if (referenceKeys.has(key) || seenExtras.has(key)) continue;
    seenExtras.add(key);
    extras.push({ method: route.method.toUpperCase(), url: route.url });
  }

  return { routed, missing, extras, total: operations.length };
}

/** The last line of the report. */
export function summaryLine(comparison: Comparison): string {
  return `conformance: ${comparison.routed.length}/${comparison.total} operations routed`;
}

/**
 * The report as lines: missing operations grouped by tag (tags in alphabetical order, operations in
 * reference order), then the extra routes, then the summary line.
 */
export function formatReport(comparison: Comparison): string[] {
  const lines: string[] = [];
  const byTag = new Map<string, ReferenceOperation[]>();
  for (const operation of comparison.missing) {
    const group = byTag.get(operation.tag);
    if (group) group.push(operation);
    else byTag.set(operation.tag, [operation]);
  }

  lines.push(`missing operations: ${comparison.missing.length}`);
  for (const tag of [...byTag.keys()].sort((a, b) => a.localeCompare(b))) {
    const group = byTag.get(tag) ?? [];
    lines.push(`${tag} (${group.length})`);
    for (const operation of group) {
      lines.push(`  ${operation.method} ${operation.path}  (${operation.operationId})`);
    }
  }

  lines.push("");
  lines.push(`extra routes (not in the reference): ${comparison.extras.length}`);
  for (const route of comparison.extras) lines.push(`  ${route.method} ${route.url}`);

  lines.push("");
  lines.push(summaryLine(comparison));
  return lines;
}
