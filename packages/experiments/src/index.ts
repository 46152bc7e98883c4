export { ExperimentReads } from "./experiment-reads.ts";
export { InvalidCursorError } from "./cursor.ts";
