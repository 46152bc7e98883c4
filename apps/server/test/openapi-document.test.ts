import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { openApiYaml, routeTable } from "../src/introspection.ts";

describe("openapi/openapi.yml", () => {
  it("is what the zod route schemas generate (run `npm run openapi` after changing a route)", async () => {
    const committed = await readFile(new URL("../../../openapi/openapi.yml", import.meta.url), "utf8");
    expect(committed).toBe(await openApiYaml());
  });

  it("lists the routes the server answers", async () => {
    const routes = await routeTable();
    expect(routes).toContainEqual({ method: "GET", url: "/api/public/projects" });
    expect(routes).toContainEqual({ method: "GET", url: "/api/public/health" });
  });
});
