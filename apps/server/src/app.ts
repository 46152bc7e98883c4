import { randomUUID } from "node:crypto";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { DEFAULT_IN_FLIGHT_BODY_BYTES } from "./plugins/body-budget.ts";
import { closeConnectionsWhileClosing } from "./plugins/closing-connections.ts";
import { bodyDeadlines, capConnections, clientErrorHandler, DEFAULT_CONNECTION_LIMITS, httpServerOptions, type ConnectionLimits } from "./plugins/connection-limits.ts";
import { errorHandler, MAX_PATH_PARAMETER_LENGTH } from "./plugins/error-handler.ts";
import { RequestLog } from "./plugins/request-log.ts";
import { installUnknownRouteHandler } from "./plugins/unknown-routes.ts";
import { DiskObjectStore, LOCAL_OBJECTS_ROUTE } from "@wick/object-store";
import { adminApi } from "./routes/admin/index.ts";
import { mediaFileRoutes } from "./routes/media-files.ts";
import { publicApi } from "./routes/public/index.ts";
import { DEFAULT_WEB_DIR, loadWebUi } from "./routes/web-ui.ts";
import type { Services } from "./services.ts";

export interface AppOptions {
  /** The process logger; without one, the app logs JSON at `logLevel`. */
  logger?: FastifyBaseLogger;
  logLevel?: string;
  /** Largest request body accepted by routes without a limit of their own. */
  bodyLimitBytes?: number;
  /** Largest `POST /api/public/ingestion` body. */
  ingestionBodyLimitBytes?: number;
  /** Bytes of ingestion and OTLP bodies held at once; more waits for a retry (503). */
  inFlightBodyBytes?: number;
  connectionLimits?: ConnectionLimits;
  /** How long a close waits for requests in flight before it cuts their connections. */
  closeGraceMs?: number;
  /** The built browser UI served at `/`; apps/web/dist by default. */
  webDir?: string;
}

/** 4.5 MB, as the reference: SDKs size their batches to fit under it. */
export const DEFAULT_INGESTION_BODY_LIMIT = 4_718_592;

const SITE_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "SAMEORIGIN",
  "x-robots-tag": "noindex",
};

/** The whole HTTP surface on top of open services; tests build it with `inject` or a real port. */
export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const limits = options.connectionLimits ?? DEFAULT_CONNECTION_LIMITS;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: { level: options.logLevel ?? "info" } }),
    logController: new RequestLog(),
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    requestIdHeader: "x-request-id",
    genReqId: () => randomUUID(),
    exposeHeadRoutes: false,
    forceCloseConnections: "idle",
    // Off in Node: `bodyDeadlines` times bodies, per request.
    requestTimeout: 0,
    http: httpServerOptions(limits),
    clientErrorHandler: clientErrorHandler(limits),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    frameworkErrors: errorHandler,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  capConnections(app.server, limits);
  closeConnectionsWhileClosing(app, options.closeGraceMs);
  bodyDeadlines(app.server, limits);
  app.setErrorHandler(errorHandler);
  const webUi = loadWebUi(options.webDir ?? DEFAULT_WEB_DIR);
  installUnknownRouteHandler(app, webUi.page);
  app.addHook("onSend", async (request, reply) => {
    reply.headers(SITE_HEADERS);
    reply.header("x-request-id", request.id);
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Wick",
        version: services.version,
        description: "The Langfuse public API, served by Wick. Authenticate with HTTP Basic: public key as user name, secret key as password.",
      },
      components: { securitySchemes: { BasicAuth: { type: "http", scheme: "basic" }, BearerAuth: { type: "http", scheme: "bearer" } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  await app.register(publicApi, {
    prefix: "/api/public",
    services,
    ingestionBodyLimitBytes: options.ingestionBodyLimitBytes ?? DEFAULT_INGESTION_BODY_LIMIT,
    inFlightBodyBytes: options.inFlightBodyBytes ?? DEFAULT_IN_FLIGHT_BODY_BYTES,
  });
  await app.register(adminApi, { prefix: "/api/admin", services });
  if (services.objectStore instanceof DiskObjectStore) await app.register(mediaFileRoutes, { prefix: LOCAL_OBJECTS_ROUTE, store: services.objectStore });
  await app.register(webUi.assets);
  return app;
}
