/**
 * `pnpm conformance`: which operations of the reference API the server routes. Prints the missing
 * operations by tag, the server routes the reference does not have, and a one-line summary.
 */
import { routeTable } from "@wick/server";
import { compareRoutes, formatReport } from "./compare.ts";
import { loadReferenceOperations } from "./reference-operations.ts";

const [operations, routes] = await Promise.all([loadReferenceOperations(), routeTable()]);
const comparison = compareRoutes(operations, routes);
process.stdout.write(`${formatReport(comparison).join("\n")}\n`);
process.exitCode = 0;
