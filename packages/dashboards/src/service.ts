import { randomUUID } from "node:crypto";
import {
  DASHBOARD_PRESET_IDS,
  pageMeta,
  type CreateDashboardPlacementRequest,
  type CreateDashboardRequest,
  type Dashboard,
  type DashboardDefinition,
  type DashboardFilter,
  type DashboardPlacement,
  type UpdateDashboardPlacementRequest,
  type UpdateDashboardRequest,
} from "@wick/contracts";
import { type Database, type DashboardRow, newCuid } from "@wick/postgres";
import { DashboardConflictError, DashboardNotFoundError, InvalidDashboardRequestError } from "./errors.ts";
import { DashboardRepository } from "./repository.ts";

/** What a placement gets when its creator leaves the size out: half the 12-column grid, square. */
const DEFAULT_TILE = 6;

const PRESETS = new Set<string>(DASHBOARD_PRESET_IDS);

function toDashboard(row: DashboardRow): Dashboard {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    name: row.name,
    description: row.description,
    definition: row.definition as DashboardDefinition,
    filters: row.filters as DashboardFilter[],
  };
}

const notFound = (dashboardId: string) => new DashboardNotFoundError(`Dashboard ${dashboardId} not found`);

/** The unstable dashboards API (resources.md §9.2): dashboards and the placements of their grid. */
export class Dashboards {
  private readonly repository: DashboardRepository;

  constructor(db: Database) {
    this.repository = new DashboardRepository(db);
  }

  async list(projectId: string, page: number, limit: number) {
    const { rows, total } = await this.repository.page(projectId, page, limit);
    return { data: rows.map(toDashboard), meta: pageMeta(page, limit, total) };
  }

  async get(projectId: string, dashboardId: string): Promise<Dashboard> {
    const row = await this.repository.find(projectId, dashboardId);
    if (!row) throw notFound(dashboardId);
    return toDashboard(row);
  }

  async create(projectId: string, body: CreateDashboardRequest): Promise<Dashboard> {
    const definition = body.definition ?? { widgets: [] };
    const row = await this.repository.transaction(async (repository) => {
      await this.checkPlacements(repository, projectId, definition.widgets);
      return repository.insert(projectId, newCuid(), { name: body.name, description: body.description ?? "", definition, filters: body.filters ?? [] });
    });
    return toDashboard(row);
  }

  async update(projectId: string, dashboardId: string, body: UpdateDashboardRequest): Promise<Dashboard> {
    const row = await this.repository.transaction(async (repository) => {
      if (body.definition) await this.checkPlacements(repository, projectId, body.definition.widgets);
      return repository.update(projectId, dashboardId, body);
    });
    if (!row) throw notFound(dashboardId);
    return toDashboard(row);
  }

  async delete(projectId: string, dashboardId: string): Promise<{ message: string }> {
    if (!(await this.repository.delete(projectId, dashboardId))) throw notFound(dashboardId);
    return { message: "Dashboard successfully deleted" };
  }

  async addPlacement(projectId: string, dashboardId: string, body: CreateDashboardPlacementRequest): Promise<DashboardPlacement> {
    return this.editPlacements(projectId, dashboardId, async (placements, repository) => {
      const id = body.id ?? randomUUID();
      if (placements.some((placement) => placement.id === id)) throw new DashboardConflictError(`Placement ${id} already exists`);
      const grid = {
        x: body.x ?? 0,
        y: body.y ?? Math.max(0, ...placements.map((placement) => placement.y + placement.height)),
        width: body.width ?? DEFAULT_TILE,
        height: body.height ?? DEFAULT_TILE,
      };
      const placement: DashboardPlacement =
        body.type === "widget" ? { type: "widget", id, widgetId: body.widgetId, ...grid } : { type: "preset", id, presetId: body.presetId, ...grid };
      await this.checkPlacements(repository, projectId, [placement]);
      return { placements: [...placements, placement], result: placement };
    });
  }

  async updatePlacement(projectId: string, dashboardId: string, placementId: string, body: UpdateDashboardPlacementRequest): Promise<DashboardPlacement> {
    return this.editPlacements(projectId, dashboardId, async (placements) => {
      const current = placements.find((placement) => placement.id === placementId);
      if (!current) throw new DashboardNotFoundError(`Placement ${placementId} not found`);
      const moved = { ...current, ...body };
      return { placements: placements.map((placement) => (placement === current ? moved : placement)), result: moved };
    });
  }

  async deletePlacement(projectId: string, dashboardId: string, placementId: string): Promise<{ message: string }> {
    return this.editPlacements(projectId, dashboardId, async (placements) => {
      if (!placements.some((placement) => placement.id === placementId)) throw new DashboardNotFoundError(`Placement ${placementId} not found`);
      return { placements: placements.filter((placement) => placement.id !== placementId), result: { message: "Placement successfully deleted" } };
    });
  }

  /** Changes a dashboard's placements under its row lock, so concurrent edits of one grid never lose each other. */
  private editPlacements<T>(
    projectId: string,
    dashboardId: string,
    edit: (placements: DashboardPlacement[], repository: DashboardRepository) => Promise<{ placements: DashboardPlacement[]; result: T }>,
  ): Promise<T> {
    return this.repository.transaction(async (repository) => {
      const row = await repository.findForUpdate(projectId, dashboardId);
      if (!row) throw notFound(dashboardId);
      const { placements, result } = await edit((row.definition as DashboardDefinition).widgets, repository);
      await repository.update(projectId, dashboardId, { definition: { widgets: placements } });
      return result;
    });
  }

  /** A definition's placements: ids unique, each widget one of the project's, each preset one the reference ships. */
  private async checkPlacements(repository: DashboardRepository, projectId: string, placements: DashboardPlacement[]): Promise<void> {
    const seen = new Set<string>();
    for (const placement of placements) {
      if (seen.has(placement.id)) {
        throw new InvalidDashboardRequestError(`Placement ids must be unique within a dashboard; ${placement.id} appears more than once`, {
          details: { field: "definition.widgets", value: placement.id },
        });
      }
      seen.add(placement.id);
      if (placement.type === "preset" && !PRESETS.has(placement.presetId)) throw new DashboardNotFoundError(`Preset ${placement.presetId} not found`);
    }
    const widgetIds = [...new Set(placements.flatMap((placement) => (placement.type === "widget" ? [placement.widgetId] : [])))];
    const existing = await repository.existingWidgets(projectId, widgetIds);
    const missing = widgetIds.find((id) => !existing.has(id));
    if (missing !== undefined) throw new DashboardNotFoundError(`Dashboard widget ${missing} not found`);
  }
}
