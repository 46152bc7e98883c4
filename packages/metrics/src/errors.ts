/** A query the engine cannot run as asked: the client's to fix (400), with a message naming the problem. */
export class MetricsQueryError extends Error {}

/** ClickHouse gave up on a valid query (memory or time limit): the client should narrow it (422). */
export class MetricsResourceError extends Error {}
