import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/** Which reference document an operation comes from. */
export type ReferenceSpec = "public" | "admin";

/** One operation of the reference API: a method on a path, as the reference documents it. */
export interface ReferenceOperation {
  spec: ReferenceSpec;
  /** Upper case, as in the route table: `GET`, `POST`, … */
  method: string;
  /** OpenAPI path syntax, parameter names as the reference spells them. */
  path: string;
  operationId: string;
  /** The operation's first tag, or `untagged` when it has none. */
  tag: string;
}

/** The reference documents, by spec, as file names inside the reference directory. */
export const REFERENCE_FILES: Readonly<Record<ReferenceSpec, string>> = {
  public: "langfuse-openapi.yml",
  admin: "langfuse-admin-openapi.yml",
};

/** The HTTP methods counted as operations; other keys of a path item (parameters, summary, …) are not. */
export const OPERATION_METHODS = ["get", "post", "put", "patch", "delete"] as const;

export const UNTAGGED = "untagged";

/**
 * The directory holding the reference documents: `WICK_REFERENCE_DIR` when set, otherwise
 * `shared/reference/` beside the repository checkout. A relative override is taken from where the
 * command was typed (`INIT_CWD`, which npm and pnpm set, as a script may run in its package's
 * directory), else from the working directory.
 */
export function referenceDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.WICK_REFERENCE_DIR;
  if (override !== undefined && override.trim() !== "") return resolve(env.INIT_CWD ?? process.cwd(), override);
  return fileURLToPath(new URL("../../../../shared/reference/", import.meta.url));
}

/**
 * The reference directory when both documents are in it, else null. The documents are not part of
 * the repository, so a clone on a user's machine has none: checks against them are then skipped.
 */
export function availableReferenceDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = referenceDir(env);
  return Object.values(REFERENCE_FILES).every((file) => existsSync(join(dir, file))) ? dir : null;
}

/** The one line said wherever reference checks are skipped, so that a skip is never silent. */
export function referenceMissingMessage(env: NodeJS.ProcessEnv = process.env): string {
  const files = Object.values(REFERENCE_FILES).join(" and ");
  return `the reference documents (${files}) are not in ${referenceDir(env)}; set WICK_REFERENCE_DIR to the directory that holds them`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The operations of one parsed OpenAPI document, in document order. */
export function operationsFromDocument(spec: ReferenceSpec, document: unknown): ReferenceOperation[] {
  if (!isRecord(document) || !isRecord(document.paths)) {
    throw new Error(`the ${spec} reference document has no paths object`);
  }
  const operations: ReferenceOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!isRecord(item)) continue;
    for (const method of OPERATION_METHODS) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const tags = Array.isArray(operation.tags) ? operation.tags : [];
      const firstTag = tags.find((tag): tag is string => typeof tag === "string" && tag !== "");
      operations.push({
        spec,
        method: method.toUpperCase(),
        path,
        operationId: typeof operation.operationId === "string" ? operation.operationId : "",
        tag: firstTag ?? UNTAGGED,
      });
    }
  }
  return operations;
}

/** Reads and parses one reference document. The documents use YAML anchors, hence no alias limit. */
export async function loadReferenceDocument(spec: ReferenceSpec, dir: string = referenceDir()): Promise<unknown> {
  const file = join(dir, REFERENCE_FILES[spec]);
  const text = await readFile(file, "utf8");
  return parse(text, { maxAliasCount: -1 });
}

/** Every operation of both reference documents: the public API first, then the admin API. */
export async function loadReferenceOperations(dir: string = referenceDir()): Promise<ReferenceOperation[]> {
  const specs: ReferenceSpec[] = ["public", "admin"];
  const documents = await Promise.all(specs.map((spec) => loadReferenceDocument(spec, dir)));
  return specs.flatMap((spec, index) => operationsFromDocument(spec, documents[index]));
}
