import type { FastifyInstance } from "fastify";
import { stringify } from "yaml";
import { buildApp } from "./app.ts";
import type { Services } from "./services.ts";
import { WICK_VERSION } from "./version.ts";

/**
 * Services for building the app only to look at it (its route table, its OpenAPI document): route
 * registration never touches the stores, so any use of them here is a bug and says so.
 */
function unopenedServices(): Services {
  const refuse = (path: string): never => {
    throw new Error(`${path} was used while building the app for introspection; stores are not open`);
  };
  const trap = (path: string): unknown =>
    new Proxy(() => {}, {
      get: (_target, property) => (typeof property === "symbol" ? undefined : trap(`${path}.${property}`)),
      apply: () => refuse(path),
    });
  return { version: WICK_VERSION, verifier: trap("verifier"), stores: trap("stores"), repositories: trap("repositories"), salt: "" } as unknown as Services;
}

async function withIntrospectionApp<T>(look: (app: FastifyInstance) => T): Promise<T> {
  const app = await buildApp(unopenedServices(), { logLevel: "silent" });
  await app.ready();
  try {
    return look(app);
  } finally {
    await app.close();
  }
}

export interface RouteEntry {
  method: string;
  url: string;
}

/**
 * Every method + path the server routes, in OpenAPI path syntax (`{param}`). Read from the
 * generated document, which lists every route: each one declares its zod schema.
 */
export async function routeTable(): Promise<RouteEntry[]> {
  return withIntrospectionApp((app) => {
    const document = app.swagger() as { paths?: Record<string, Record<string, unknown>> };
    return Object.entries(document.paths ?? {}).flatMap(([url, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), url })));
  });
}

type OpenApiDocument = { paths?: unknown; components?: { schemas?: Record<string, unknown> } };

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, into);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") into.add(child.replace("#/components/schemas/", ""));
      else collectRefs(child, into);
    }
  }
}

/**
 * Keeps only the component schemas some operation reaches: the zod provider emits an input and an
 * output variant of every registered schema, and most are used in one direction only.
 */
function pruneUnusedSchemas(document: OpenApiDocument): OpenApiDocument {
  const schemas = document.components?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  collectRefs(document.paths, used);
  for (let frontier = [...used]; frontier.length > 0; ) {
    const found = new Set<string>();
    for (const name of frontier) collectRefs(schemas[name], found);
    frontier = [...found].filter((name) => !used.has(name));
    for (const name of frontier) used.add(name);
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...document, components: { ...document.components, schemas: kept } };
}

/** The OpenAPI document, as committed in `openapi/openapi.yml`. */
export async function openApiYaml(): Promise<string> {
  return withIntrospectionApp((app) => stringify(pruneUnusedSchemas(app.swagger() as OpenApiDocument), { lineWidth: 0, aliasDuplicateObjects: false }));
}
