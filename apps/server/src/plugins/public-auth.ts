import fastifyBasicAuth from "@fastify/basic-auth";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { AuthError, authMessages, parseAuthorizationHeader, type ApiKeyVerifier, type AuthScope } from "@wick/auth";
import type { IntakeScope } from "@wick/ingestion";
import { ForbiddenError, HttpError, ServiceUnavailableError } from "../errors.ts";

export type AccessLevel = AuthScope["accessLevel"];

/** Which keys a route takes, set as `config.auth`. */
export interface KeyAuth {
  allow: AccessLevel[];
  /** What a credential of another access level is told (the reference words it per route). */
  forbiddenMessage?: string;
  /** The status for a credential of another access level (ingestion answers 401 where others say 403). */
  forbiddenStatus?: 401 | 403;
  /** Route families whose auth errors also name the error class: `{message, error}`. */
  namedErrors?: boolean;
}

/**
 * A route's rule: keys, or "public" for the few routes anyone may call (health checks). Every
 * `/api/public` route without one takes a project's key pair.
 */
export type RouteAuth = KeyAuth | "public";

const PROJECT_KEYS: KeyAuth = { allow: ["project"] };

/** Key pairs travel as HTTP Basic; the public-key-only `scores` scope as a Bearer token. */
const SCHEME_OF: Record<AccessLevel, "BasicAuth" | "BearerAuth"> = { project: "BasicAuth", organization: "BasicAuth", scores: "BearerAuth" };

/** The OpenAPI `security` of a rule: one entry per scheme that can carry an allowed key. */
function openApiSecurity(rule: KeyAuth): Array<Record<string, string[]>> {
  return [...new Set(rule.allow.map((level) => SCHEME_OF[level]))].map((scheme) => ({ [scheme]: [] }));
}

declare module "fastify" {
  interface FastifyRequest {
    auth: AuthScope | undefined;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}

const DEFAULT_FORBIDDEN = "Access denied - insufficient permissions for this endpoint";

/** The scope of an authenticated request; every route that is not public has one. */
export function authScope(request: FastifyRequest): AuthScope {
  if (!request.auth) throw new Error(`route ${request.routeOptions.url} has no auth rule`);
  return request.auth;
}

/** The project of a project-key request. */
export function projectIdOf(request: FastifyRequest): string {
  const scope = authScope(request);
  if (scope.projectId === null) throw new ForbiddenError(DEFAULT_FORBIDDEN);
  return scope.projectId;
}

/** Who writes through a tracing-data route: the key's project, what the key may send, and the key. */
export function intakeScope(request: FastifyRequest): IntakeScope {
  const scope = authScope(request);
  return { projectId: projectIdOf(request), accessLevel: scope.accessLevel === "scores" ? "scores" : "project", publicKey: scope.publicKey };
}

async function withStoreErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuthError) throw error;
    // As the reference: a key store that cannot answer is a 503, never a 401 or a hang.
    throw Object.assign(new ServiceUnavailableError(), { cause: error });
  }
}

/**
 * Authenticates every `/api/public` route registered after it unless the route is public: `Basic
 * pk:sk` through @fastify/basic-auth, or `Bearer pk` for the public-key-only scope. Header parsing
 * and messages follow the reference so SDK error handling sees what it expects. Each route's
 * OpenAPI `security` is derived here from its rule, so the two cannot disagree.
 */
export const publicAuth = fp(
  async (app: FastifyInstance, options: { verifier: ApiKeyVerifier }) => {
    const { verifier } = options;
    await app.register(fastifyBasicAuth, {
      authenticate: false,
      validate: async (publicKey: string, password: string, request: FastifyRequest) => {
        // The plugin keeps everything after the first colon; the reference takes only the part up
        // to the next one as the secret and drops the rest.
        const secretKey = password.split(":", 1)[0];
        if (!publicKey || !secretKey) throw new AuthError(authMessages.invalidBasicHeader);
        request.auth = await withStoreErrors(() => verifier.verifyBasic(publicKey, secretKey));
      },
    });
    app.decorateRequest("auth", undefined);

    const basic = (request: FastifyRequest, reply: FastifyReply) =>
      new Promise<void>((resolve, reject) => {
        app.basicAuth(request, reply, (error?: Error) => {
          if (!error) return resolve();
          reject(error instanceof AuthError || error instanceof ServiceUnavailableError ? error : new AuthError(authMessages.invalidBasicHeader));
        });
      });

    const authenticate = async (request: FastifyRequest, reply: FastifyReply, rule: KeyAuth) => {
      const header = parseAuthorizationHeader(request.headers.authorization);
      if (header.scheme === "basic") await basic(request, reply);
      else request.auth = await withStoreErrors(() => verifier.verifyBearer(header.token));
      if (!rule.allow.includes(authScope(request).accessLevel)) {
        throw new AuthError(rule.forbiddenMessage ?? DEFAULT_FORBIDDEN, rule.forbiddenStatus ?? 403);
      }
    };

    app.addHook("onRoute", (route) => {
      if (route.schema?.security) {
        throw new Error(`${route.method} ${route.url} states schema.security: declare config.auth instead, from which the security is derived`);
      }
      const rule = route.config?.auth ?? PROJECT_KEYS;
      route.config = { ...route.config, auth: rule };
      if (rule !== "public") route.schema = { ...route.schema, security: openApiSecurity(rule) };
    });

    app.addHook("onRequest", async (request, reply) => {
      const rule = request.routeOptions.config.auth;
      // No rule: no route matched (the 404 handler answers), or the route came before this plugin.
      if (!rule || rule === "public") return;
      try {
        await authenticate(request, reply, rule);
      } catch (error) {
        if (!rule.namedErrors || !(error instanceof AuthError)) throw error;
        throw new HttpError(error.statusCode, error.message, error.statusCode === 401 ? "UnauthorizedError" : "ForbiddenError");
      }
    });
  },
  { name: "wick-public-auth" },
);
