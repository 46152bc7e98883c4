export { buildApp, type AppOptions } from "./app.ts";
export { loadConfig, envSchema, type Config } from "./config.ts";
export { createServices, type Services } from "./services.ts";
export { openStores, closeStores, type Stores } from "./stores.ts";
export { provision } from "./bootstrap/provision.ts";
export { WICK_VERSION } from "./version.ts";
export { routeTable, openApiYaml, type RouteEntry } from "./introspection.ts";
