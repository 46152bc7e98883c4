export { ExperimentReads } from "./experiment-reads.ts";
