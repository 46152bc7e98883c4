/**
 * `npm run conformance`: which operations of the reference API the server routes. Prints the missing
 * operations by tag, the server routes the reference does not have, and a one-line summary.
 */
import { routeTable } from "@wick/server";
import { compareRoutes, formatReport } from "./compare.ts";
import { availableReferenceDir, loadReferenceOperations, referenceMissingMessage } from "./reference-operations.ts";

const dir = availableReferenceDir();
if (dir === null) {
  process.stderr.write(`Cannot compare with the reference: ${referenceMissingMessage()}.\n`);
  process.exitCode = 2;
} else {
  const [operations, routes] = await Promise.all([loadReferenceOperations(dir), routeTable()]);
  const comparison = compareRoutes(operations, routes);
  process.stdout.write(`${formatReport(comparison).join("\n")}\n`);
}
