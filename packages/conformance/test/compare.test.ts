import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  availableReferenceDir,
  compareRoutes,
  formatReport,
  loadReferenceOperations,
  operationsFromDocument,
  pathShape,
  referenceDir,
  referenceMissingMessage,
  type ReferenceOperation,
} from "../src/index.ts";

function op(method: string, path: string, operationId: string, tag = "Things"): ReferenceOperation {
  return { spec: "public", method, path, operationId, tag };
}

describe("pathShape", () => {
  it("drops parameter names but keeps where parameters are", () => {
    expect(pathShape("/api/public/v2/prompts/{name}/versions/{version}")).toBe(pathShape("/api/public/v2/prompts/{promptName}/versions/{v}"));
    expect(pathShape("/api/public/v2/prompts/{name}/versions/{version}")).toBe("/api/public/v2/prompts/{}/versions/{}");
    expect(pathShape("/api/public/{a}/items")).not.toBe(pathShape("/api/public/items/{a}"));
    expect(pathShape("/api/public/traces")).not.toBe(pathShape("/api/public/trace"));
  });

  it("reads Fastify parameters and a trailing slash as the same shape", () => {
    expect(pathShape("/api/public/traces/:traceId")).toBe("/api/public/traces/{}");
    expect(pathShape("/api/public/traces/")).toBe("/api/public/traces");
  });
});

describe("compareRoutes", () => {
  const reference = [
    op("GET", "/api/public/v2/prompts/{promptName}/versions/{version}", "prompts_get", "Prompts"),
    op("PATCH", "/api/public/v2/prompts/{promptName}/versions/{version}", "prompts_update", "Prompts"),
    op("GET", "/api/public/health", "health_health", "Health"),
    op("DELETE", "/api/public/traces/{traceId}", "trace_delete", "Trace"),
  ];

  it("matches a route whose parameter names differ from the reference", () => {
    const result = compareRoutes(reference, [{ method: "GET", url: "/api/public/v2/prompts/{name}/versions/{version}" }]);
    expect(result.routed.map((o) => o.operationId)).toEqual(["prompts_get"]);
    expect(result.missing.map((o) => o.operationId)).toEqual(["prompts_update", "health_health", "trace_delete"]);
    expect(result.extras).toEqual([]);
  });

  it("tells methods apart on the same path", () => {
    const result = compareRoutes(reference, [{ method: "POST", url: "/api/public/traces/{id}" }]);
    expect(result.routed).toEqual([]);
    expect(result.missing).toHaveLength(4);
    expect(result.extras).toEqual([{ method: "POST", url: "/api/public/traces/{id}" }]);
  });

  it("compares methods case-insensitively", () => {
    const result = compareRoutes(reference, [{ method: "delete", url: "/api/public/traces/{x}" }]);
    expect(result.routed.map((o) => o.operationId)).toEqual(["trace_delete"]);
  });

  it("lists routes under /api/ that the reference lacks, once each, and nothing outside /api/", () => {
    const result = compareRoutes(reference, [
      { method: "GET", url: "/api/public/health" },
      { method: "GET", url: "/api/public/ready" },
      { method: "GET", url: "/api/public/ready" },
      { method: "GET", url: "/docs/json" },
      { method: "GET", url: "/" },
    ]);
    expect(result.extras).toEqual([{ method: "GET", url: "/api/public/ready" }]);
    expect(result.routed.map((o) => o.operationId)).toEqual(["health_health"]);
  });

  it("counts every reference operation exactly once", () => {
    const routes = [
      { method: "GET", url: "/api/public/health" },
      { method: "PATCH", url: "/api/public/v2/prompts/{a}/versions/{b}" },
      { method: "GET", url: "/api/public/ready" },
    ];
    const result = compareRoutes(reference, routes);
    expect(result.total).toBe(4);
    expect(result.routed).toHaveLength(2);
    expect(result.missing).toHaveLength(2);
    expect(result.routed.length + result.missing.length).toBe(result.total);
    expect(compareRoutes([], routes).total).toBe(0);
  });
});

describe("formatReport", () => {
  it("groups missing operations by tag and ends with the summary line", () => {
    const reference = [
      op("GET", "/api/public/traces", "trace_list", "Trace"),
      op("GET", "/api/public/health", "health_health", "Health"),
      op("DELETE", "/api/public/traces/{traceId}", "trace_delete", "Trace"),
    ];
    const lines = formatReport(
      compareRoutes(reference, [
        { method: "GET", url: "/api/public/traces" },
        { method: "GET", url: "/api/public/ready" },
      ]),
    );
    expect(lines.at(-1)).toBe("conformance: 1/3 operations routed");
    const health = lines.indexOf("Health (1)");
    const trace = lines.indexOf("Trace (1)");
    expect(health).toBeGreaterThan(-1);
    expect(trace).toBeGreaterThan(health);
    expect(lines[health + 1]).toBe("  GET /api/public/health  (health_health)");
    expect(lines[trace + 1]).toBe("  DELETE /api/public/traces/{traceId}  (trace_delete)");
    expect(lines).not.toContain("  GET /api/public/traces  (trace_list)");
    expect(lines).toContain("  GET /api/public/ready");
  });
});

describe("operationsFromDocument", () => {
  it("takes only get/post/put/patch/delete, with the first tag", () => {
    const document = {
      paths: {
        "/api/public/things/{id}": {
          parameters: [{ name: "id", in: "path" }],
          get: { operationId: "things_get", tags: ["Things", "Other"] },
          head: { operationId: "things_head" },
          options: { operationId: "things_options" },
          put: { operationId: "things_put" },
        },
      },
    };
    expect(operationsFromDocument("admin", document)).toEqual([
      { spec: "admin", method: "GET", path: "/api/public/things/{id}", operationId: "things_get", tag: "Things" },
      { spec: "admin", method: "PUT", path: "/api/public/things/{id}", operationId: "things_put", tag: "untagged" },
    ]);
  });

  it("refuses a document without paths", () => {
    expect(() => operationsFromDocument("public", { openapi: "3.0.1" })).toThrow(/no paths/);
  });
});

describe("reference documents", () => {
  it("takes WICK_REFERENCE_DIR over the default", () => {
    expect(referenceDir({ WICK_REFERENCE_DIR: "/somewhere/else" })).toBe(resolve("/somewhere/else"));
    expect(referenceDir({ WICK_REFERENCE_DIR: "ref", INIT_CWD: "/repo" })).toBe(resolve("/repo", "ref"));
    expect(referenceDir({})).toMatch(/shared[\\/]reference[\\/]?$/);
  });

  it("are available only when both documents are in the directory, and say where they were looked for", () => {
    const dir = mkdtempSync(join(tmpdir(), "wick-reference-"));
    try {
      const env = { WICK_REFERENCE_DIR: dir };
      writeFileSync(join(dir, "langfuse-openapi.yml"), "paths: {}\n");
      expect(availableReferenceDir(env)).toBeNull();
      writeFileSync(join(dir, "langfuse-admin-openapi.yml"), "paths: {}\n");
      expect(availableReferenceDir(env)).toBe(resolve(dir));
      expect(referenceMissingMessage(env)).toContain(resolve(dir));
      expect(referenceMissingMessage(env)).toContain("WICK_REFERENCE_DIR");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const available = availableReferenceDir();
  it.skipIf(available === null)("hold 114 public and 8 admin operations, each with a method, path and operationId", async () => {
    const operations = await loadReferenceOperations(available!);
    expect(operations.filter((o) => o.spec === "public")).toHaveLength(114);
    expect(operations.filter((o) => o.spec === "admin")).toHaveLength(8);
    expect(operations).toHaveLength(122);
    for (const operation of operations) {
      expect(["GET", "POST", "PUT", "PATCH", "DELETE"]).toContain(operation.method);
      expect(operation.path).toMatch(/^\/api\//);
      expect(operation.operationId).not.toBe("");
    }
    expect(new Set(operations.map((o) => `${o.spec} ${o.operationId}`)).size).toBe(operations.length);
  });
});
