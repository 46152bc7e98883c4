import { z } from "zod";
import { LimitParam, PageMeta, PageParam } from "./query-params.ts";

const STRING_OPERATORS = ["=", "contains", "does not contain", "starts with", "ends with"] as const;
const NUMBER_OPERATORS = ["=", ">", "<", ">=", "<="] as const;
const OPTIONS_OPERATORS = ["any of", "none of"] as const;
const BOOLEAN_OPERATORS = ["=", "<>"] as const;

const filter = <T extends z.ZodRawShape>(type: string, shape: T) => z.strictObject({ type: z.literal(type), column: z.string(), ...shape });

/**
 * A filter in the reference's filter-state shape (resources.md §9.2): `type` decides the operators
 * and the value; the `…Object` and category types name a `key` (a metadata key or a score name).
 */
export const DashboardFilter = z
  .discriminatedUnion("type", [
    filter("datetime", { operator: z.enum([">", "<", ">=", "<="]), value: z.iso.datetime({ offset: true }) }),
    filter("string", { operator: z.enum(STRING_OPERATORS), value: z.string() }),
    filter("stringObject", { key: z.string(), operator: z.enum(STRING_OPERATORS), value: z.string() }),
    filter("number", { operator: z.enum(NUMBER_OPERATORS), value: z.number() }),
    filter("numberObject", { key: z.string(), operator: z.enum(NUMBER_OPERATORS), value: z.number() }),
    filter("stringOptions", { operator: z.enum(OPTIONS_OPERATORS), value: z.array(z.string()).min(1) }),
    filter("categoryOptions", { key: z.string(), operator: z.enum(OPTIONS_OPERATORS), value: z.array(z.string()) }),
    filter("arrayOptions", { operator: z.enum([...OPTIONS_OPERATORS, "all of"]), value: z.array(z.string()) }).refine(
      (value) => value.value.length > 0 || value.operator !== "any of",
      { path: ["value"], message: "An 'any of' filter needs at least one value" },
    ),
    filter("boolean", { operator: z.enum(BOOLEAN_OPERATORS), value: z.boolean() }),
    filter("booleanObject", { key: z.string(), operator: z.enum(BOOLEAN_OPERATORS), value: z.boolean() }),
    filter("null", { operator: z.enum(["is null", "is not null"]), value: z.literal("") }),
    filter("positionInTrace", { key: z.enum(["root", "last", "nthFromStart", "nthFromEnd"]), operator: z.literal("="), value: z.number().int().min(1).optional() }),
  ])
  .meta({ id: "unstableDashboardWidgetFilter" });

export type DashboardFilter = z.infer<typeof DashboardFilter>;

/** The home dashboard's tiles the reference ships; a preset placement names one of them. */
export const DASHBOARD_PRESET_IDS = [
  "home-traces",
  "home-model-costs",
  "home-scores-table",
  "home-traces-obs-time-series",
  "home-model-usage",
  "home-users",
  "home-chart-scores",
  "home-latency-table-traces",
  "home-latency-table-generations",
  "home-latency-table-observations",
  "home-generation-latency",
  "home-score-analytics",
] as const;

const Cell = z.number().int().min(0);
const Size = z.number().int().min(1);
const gridShape = { x: Cell, y: Cell, width: Size, height: Size };

/** A tile of the dashboard's 12-column grid: a widget of the project, or one of the presets. */
export const DashboardPlacement = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("widget"), id: z.string().min(1), widgetId: z.string().min(1), ...gridShape }),
    z.strictObject({ type: z.literal("preset"), id: z.string().min(1), presetId: z.string().min(1), ...gridShape }),
  ])
  .meta({ id: "unstableDashboardPlacement" });

export type DashboardPlacement = z.infer<typeof DashboardPlacement>;

export const DashboardDefinition = z.strictObject({ widgets: z.array(DashboardPlacement) }).meta({ id: "unstableDashboardDefinition" });

export type DashboardDefinition = z.infer<typeof DashboardDefinition>;

export const Dashboard = z
  .object({
    id: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    name: z.string(),
    description: z.string(),
    definition: DashboardDefinition,
    filters: z.array(DashboardFilter),
  })
  .meta({ id: "unstableDashboard" });

export type Dashboard = z.infer<typeof Dashboard>;

export const DashboardList = z.object({ data: z.array(Dashboard), meta: PageMeta }).meta({ id: "unstableDashboardList" });

export const DashboardListQuery = z.strictObject({ page: PageParam, limit: LimitParam });

/** Strict, and `null` is refused: a field is given or left out (resources.md §10). */
export const CreateDashboardRequest = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    definition: DashboardDefinition.optional(),
    filters: z.array(DashboardFilter).optional(),
  })
  .meta({ id: "unstableCreateDashboardRequest" });

export type CreateDashboardRequest = z.infer<typeof CreateDashboardRequest>;

export const UpdateDashboardRequest = z
  .strictObject({
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    definition: DashboardDefinition.optional(),
    filters: z.array(DashboardFilter).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "At least one of name, description, definition or filters is required" })
  .meta({ id: "unstableUpdateDashboardRequest" });

export type UpdateDashboardRequest = z.infer<typeof UpdateDashboardRequest>;

const optionalGrid = { x: Cell.optional(), y: Cell.optional(), width: Size.optional(), height: Size.optional() };

/** Id and position may be left out: the server then makes an id and appends a 6×6 tile below the others. */
export const CreateDashboardPlacementRequest = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("widget"), id: z.string().min(1).optional(), widgetId: z.string().min(1), ...optionalGrid }),
    z.strictObject({ type: z.literal("preset"), id: z.string().min(1).optional(), presetId: z.string().min(1), ...optionalGrid }),
  ])
  .meta({ id: "unstableCreateDashboardPlacementRequest" });

export type CreateDashboardPlacementRequest = z.infer<typeof CreateDashboardPlacementRequest>;

export const UpdateDashboardPlacementRequest = z
  .strictObject(optionalGrid)
  .refine((body) => Object.keys(body).length > 0, { message: "At least one of x, y, width or height is required" })
  .meta({ id: "unstableUpdateDashboardPlacementRequest" });

export type UpdateDashboardPlacementRequest = z.infer<typeof UpdateDashboardPlacementRequest>;

export const DashboardParams = z.object({ dashboardId: z.string() });
export const DashboardPlacementParams = z.object({ dashboardId: z.string(), placementId: z.string() });

export const DeleteDashboardResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteDashboardResponse" });
export const DeleteDashboardPlacementResponse = z.object({ message: z.string() }).meta({ id: "unstableDeleteDashboardPlacementResponse" });
