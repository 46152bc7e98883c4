import type { ClickHouseClient } from "@clickhouse/client";
import type { ExperimentItemsQuery, ExperimentsQuery } from "@wick/contracts";
import { listExperimentItems } from "./experiment-items.ts";
import { listExperiments } from "./experiment-list.ts";

/** The experiments API's reads: experiments and their items, from the experiment events in ClickHouse. */
export class ExperimentReads {
  constructor(private readonly client: ClickHouseClient) {}

  experiments(projectId: string, query: ExperimentsQuery) {
    return listExperiments(this.client, projectId, query);
  }

  items(projectId: string, query: ExperimentItemsQuery) {
    return listExperimentItems(this.client, projectId, query);
  }
}
