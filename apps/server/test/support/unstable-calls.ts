import { expect } from "vitest";
import type { TestApp, TestProject } from "./harness.ts";
import { expectReferenceComponent, expectReferenceResponse } from "./reference-schema.ts";

export type UnstableMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface UnstableCallOptions {
  body?: unknown;
  /** Whose key the call carries; the suite's project by default. */
  project?: TestProject;
  /** An `Authorization` header instead of the project's key, or none at all (`null`). */
  authorization?: string | null;
  /** Where `url` starts; `/api/public/unstable` by default. */
  prefix?: string;
}

/**
 * Calls of the unstable routes for a suite whose app and project are made in `beforeAll` (hence
 * the getters): `call` answers the raw response, `ok` a 200 body checked against the reference.
 */
export function unstableCalls(app: () => TestApp, project: () => TestProject) {
  const call = (method: UnstableMethod, url: string, options: UnstableCallOptions = {}) => {
    const authorization = options.authorization === undefined ? (options.project ?? project()).basic : options.authorization;
    return app().app.inject({
      method,
      url: `${options.prefix ?? "/api/public/unstable"}${url}`,
      headers: authorization === null ? {} : { authorization },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
  };
  const ok = async (operation: { method: string; path: string }, method: UnstableMethod, url: string, body?: unknown, owner?: TestProject) => {
    const response = await call(method, url, { body, project: owner });
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse(operation, 200, response.json());
    return response.json();
  };
  return { call, ok };
}

/** An answer in the unstable error contract: its status, code and message, in the reference's envelope; answers the body. */
export function expectUnstableError(response: { statusCode: number; json(): any }, status: number, code: string, message?: string | RegExp) {
  const body = response.json();
  expect(response.statusCode, JSON.stringify(body)).toBe(status);
  expectReferenceComponent("unstablePublicApiError", body);
  expect(body.code).toBe(code);
  if (typeof message === "string") expect(body.message).toBe(message);
  else if (message) expect(body.message).toMatch(message);
  return body;
}
