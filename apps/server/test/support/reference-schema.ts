import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse } from "yaml";
import { availableReferenceDir } from "@wick/conformance";

/**
 * Where the compatibility target lives (`WICK_REFERENCE_DIR`, else `shared/reference` beside the
 * checkout), or null on a clone without it: every check below is then skipped, and the global setup
 * says so once.
 */
const REFERENCE_DIR = availableReferenceDir();

type Spec = { paths: Record<string, Record<string, { responses?: Record<string, ResponseObject> }>>; components?: unknown };
type ResponseObject = { content?: Record<string, { schema?: unknown }> };

const specFiles = { public: "langfuse-openapi.yml", admin: "langfuse-admin-openapi.yml" } as const;
const ajv = new Ajv({ strict: false, allErrors: true, discriminator: false });
addFormats.default(ajv);
const loaded = new Map<keyof typeof specFiles, Spec>();
const compiled = new Map<string, ValidateFunction | null>();

function rewriteRefs(value: unknown, specId: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, specId));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    out[key] = key === "$ref" && typeof child === "string" && child.startsWith("#/") ? `${specId}${child}` : rewriteRefs(child, specId);
  }
  return convertNullable(out);
}

/** OpenAPI 3.0's `nullable: true` in JSON Schema terms. */
function convertNullable(schema: Record<string, unknown>): Record<string, unknown> {
  if (schema.nullable !== true) return schema;
  const { nullable: _, ...rest } = schema;
  if (typeof rest.type === "string") return { ...rest, type: [rest.type, "null"], ...(rest.enum ? { enum: [...(rest.enum as unknown[]), null] } : {}) };
  return { anyOf: [rest, { type: "null" }] };
}

function spec(which: keyof typeof specFiles): Spec {
  let document = loaded.get(which);
  if (!document) {
    document = parse(readFileSync(join(REFERENCE_DIR!, specFiles[which]), "utf8"), { maxAliasCount: -1 }) as Spec;
    ajv.addSchema({ $id: `${which}.json`, components: rewriteRefs(document.components, `${which}.json`) });
    loaded.set(which, document);
  }
  return document;
}

/**
 * Checks a response body against the reference OpenAPI document for that operation and status.
 * Fails when the reference does not describe the status, so a test cannot pass by accident.
 * Without the reference documents it checks nothing; the rest of the calling test still runs.
 */
export function expectReferenceResponse(operation: { spec?: keyof typeof specFiles; method: string; path: string }, status: number, body: unknown): void {
  if (REFERENCE_DIR === null) return;
  const which = operation.spec ?? "public";
  const key = `${which} ${operation.method.toLowerCase()} ${operation.path} ${status}`;
  if (!compiled.has(key)) {
    const responses = spec(which).paths[operation.path]?.[operation.method.toLowerCase()]?.responses;
    if (!responses) throw new Error(`the reference has no operation ${operation.method} ${operation.path}`);
    const response = responses[String(status)];
    if (!response) throw new Error(`the reference does not describe status ${status} for ${operation.method} ${operation.path}`);
    const schema = response.content?.["application/json"]?.schema;
    compiled.set(key, schema ? ajv.compile(rewriteRefs(schema, `${which}.json`) as object) : null);
  }
  const validate = compiled.get(key);
  if (validate && !validate(body)) {
    throw new Error(
      `response does not match the reference schema of ${key}:\n${ajv.errorsText(validate.errors, { separator: "\n" })}\nbody: ${JSON.stringify(body).slice(0, 2000)}`,
    );
  }
}

/**
 * Checks a body against one of the reference's component schemas, for answers whose operation
 * documents the status with an empty schema (the unstable routes' 400/401/403/404/405 carry the
 * error contract all the same).
 */
export function expectReferenceComponent(name: string, body: unknown, which: keyof typeof specFiles = "public"): void {
  if (REFERENCE_DIR === null) return;
  spec(which);
  const validate = ajv.getSchema(`${which}.json#/components/schemas/${name}`);
  if (!validate) throw new Error(`the reference has no component schema ${name}`);
  if (!validate(body)) {
    throw new Error(`body does not match the reference schema ${name}:\n${ajv.errorsText(validate.errors, { separator: "\n" })}\nbody: ${JSON.stringify(body).slice(0, 2000)}`);
  }
}
