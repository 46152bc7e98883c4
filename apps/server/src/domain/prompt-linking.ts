import type { FoldedObservation, ObservationEnricher } from "@wick/ingestion";
import type { PromptService } from "@wick/prompts";

/**
 * Links generations to the stored prompt their `promptName`/`promptVersion` name. Unknown prompts
 * leave the link empty, as in the reference: the name and version are not stored on their own.
 */
export class PromptLinking implements ObservationEnricher {
  constructor(private readonly prompts: PromptService) {}

  async enrich(observations: FoldedObservation[]): Promise<void> {
    const byProject = new Map<string, FoldedObservation[]>();
    for (const observation of observations) {
      if (!observation.prompt) continue;
      const list = byProject.get(observation.row.project_id) ?? [];
      list.push(observation);
      byProject.set(observation.row.project_id, list);
    }
    for (const [projectId, linked] of byProject) {
      const ids = await this.prompts.versionIds(
        projectId,
        linked.map((observation) => observation.prompt!),
      );
      for (const { row, prompt } of linked) {
        const id = ids.get(`${prompt!.name}@${prompt!.version}`);
        if (!id) continue;
        row.prompt_id = id;
        row.prompt_name = prompt!.name;
        row.prompt_version = prompt!.version;
      }
    }
  }
}
