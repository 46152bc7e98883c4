import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AuthError } from "@wick/auth";
import type { DomainErrorKind } from "@wick/errors";
import { DomainError, HttpError, isStoreUnavailable } from "../errors.ts";

/** The message of a Postgres data exception (SQLSTATE class 22) anywhere in the cause chain. */
function sqlDataException(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^22[0-9A-Z]{3}$/.test(code)) return current.message;
    if (current.cause === current) break;
  }
  return undefined;
}

/**
 * Longest path parameter the router takes. Names (prompts, datasets) and ids have no length limit
 * in the reference, so this only has to exceed what fits in a request line: Node refuses headers
 * over 16 KiB before routing.
 */
export const MAX_PATH_PARAMETER_LENGTH = 16_384;

export interface DeclaredStatus {
  statusCode: number;
  /** The reference's name for the case, sent as `error`. */
  errorName: string;
}

/** Every domain kind as the reference answers it. */
const DOMAIN_STATUS: Record<DomainErrorKind, DeclaredStatus> = {
  invalid: { statusCode: 400, errorName: "InvalidRequestError" },
  notFound: { statusCode: 404, errorName: "LangfuseNotFoundError" },
  conflict: { statusCode: 409, errorName: "LangfuseConflictError" },
  tooExpensive: { statusCode: 422, errorName: "Request timed out" },
  forbidden: { statusCode: 403, errorName: "ForbiddenError" },
  unprocessable: { statusCode: 422, errorName: "UnprocessableContentError" },
};

/** The status of an error that names its case (a domain kind or an HTTP-layer error); undefined for any other. */
export function declaredStatus(error: unknown): DeclaredStatus | undefined {
  if (error instanceof DomainError) return DOMAIN_STATUS[error.kind];
  if (error instanceof HttpError) return error;
  return undefined;
}

export interface ErrorBody {
  statusCode: number;
  body: Record<string, unknown>;
}

/**
 * Turns any error into the status and `{message, error}` body of the reference's standard public
 * routes. Request-shape problems are the client's (4xx); only genuine failures are 5xx.
 */
export function describeError(error: FastifyError | Error, request: FastifyRequest): ErrorBody {
  if (error instanceof AuthError) return { statusCode: error.statusCode, body: { message: error.message } };
  const declared = declaredStatus(error);
  if (declared) return { statusCode: declared.statusCode, body: { message: error.message, error: declared.errorName } };
  if (hasZodFastifySchemaValidationErrors(error)) {
    return { statusCode: 400, body: { message: "Invalid request data", error: error.validation } };
  }
  const code = (error as FastifyError).code;
  switch (code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return {
        statusCode: 413,
        body: {
          message: `Request body exceeds the limit of ${request.routeOptions.bodyLimit ?? "the configured"} bytes`,
          error: "PayloadTooLargeError",
        },
      };
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return { statusCode: 400, body: { message: `Invalid JSON: ${error.message}`, error: "InvalidRequestError" } };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { statusCode: 400, body: { message: "Request body is empty but Content-Type is application/json", error: "InvalidRequestError" } };
    case "FST_ERR_BAD_URL":
      return { statusCode: 400, body: { message: `Invalid URL: ${request.url}`, error: "InvalidRequestError" } };
    case "FST_ERR_MAX_PARAM_LENGTH":
      return {
        statusCode: 414,
        body: { message: `A path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`, error: "URITooLongError" },
      };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return {
        statusCode: 415,
        body: { message: `Unsupported Content-Type: ${request.headers["content-type"] ?? "none"}`, error: "UnsupportedMediaTypeError" },
      };
  }
  if (error instanceof SyntaxError && (error as FastifyError).statusCode === 400) {
    return { statusCode: 400, body: { message: `Invalid JSON: ${error.message}`, error: "InvalidRequestError" } };
  }
  // SQLSTATE class 22 (data exception): Postgres refused a value the client sent, such as a NUL
  // character in an id. Every value reaches the database as a bound parameter, so this is bad input.
  const dataException = sqlDataException(error);
  if (dataException) return { statusCode: 400, body: { message: `Invalid request data: ${dataException}`, error: "InvalidRequestError" } };
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's own codes (FST_ERR_…) name its internals, not anything a client can act on.
    return { statusCode: status, body: { message: error.message, error: code && !code.startsWith("FST_") ? code : "InvalidRequestError" } };
  }
  if (isStoreUnavailable(error)) {
    return { statusCode: 503, body: { message: "Service Unavailable", error: "ServiceUnavailableError" } };
  }
  return { statusCode: 500, body: { message: "Internal Server Error", error: "An unknown error occurred" } };
}

/**
 * Sends an error body as it is, whatever a route's response schema says for that status: a schema
 * mismatch must never turn a client error into a 500.
 */
export function sendErrorBody(reply: FastifyReply, statusCode: number, body: Record<string, unknown>): FastifyReply {
  return reply.status(statusCode).type("application/json; charset=utf-8").serializer(JSON.stringify).send(body);
}

/** Also Fastify's `frameworkErrors`: errors raised while routing, before any route's handler. */
export function errorHandler(this: unknown, error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { statusCode, body } = describeError(error, request);
  if (statusCode >= 500) request.log.error({ err: error }, "request failed");
  else request.log.debug({ statusCode, message: body.message }, "request rejected");
  void sendErrorBody(reply, statusCode, body);
}
