export {
  REFERENCE_FILES,
  OPERATION_METHODS,
  UNTAGGED,
  referenceDir,
  availableReferenceDir,
  referenceMissingMessage,
  operationsFromDocument,
  loadReferenceDocument,
  loadReferenceOperations,
  type ReferenceSpec,
  type ReferenceOperation,
} from "./reference-operations.ts";
export { pathShape, routeKey, compareRoutes, summaryLine, formatReport, type RouteLike, type Comparison } from "./compare.ts";
