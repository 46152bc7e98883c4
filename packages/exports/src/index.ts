export { exportWindow, type ExportedFile, type WindowExport } from "./window-export.ts";
export { FILE_TYPES, type ExportFileType } from "./formats.ts";
export { EXPORT_TABLES, type ExportTable } from "./tables.ts";
export { directoryTarget, objectStoreTarget, type ExportTarget } from "./targets.ts";
export type { FieldGroup } from "./observation-fields.ts";
