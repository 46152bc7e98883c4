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
    return Object.entries(document.paths ?? {}).flatMap(([url, operations]) =>
      Object.keys(operations).map((method) => ({ method: method.toUpperCase(), url })),
    );
  });
}

/** The OpenAPI document, as committed in `openapi/openapi.yml`. */
export async function openApiYaml(): Promise<string> {
  return withIntrospectionApp((app) => stringify(app.swagger(), { lineWidth: 0 }));
}
