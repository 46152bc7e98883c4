import { expect } from "vitest";
import { callPublic, type TestApp, type TestProject } from "./harness.ts";
import { expectReferenceResponse } from "./reference-schema.ts";

/** An operation of the reference API, named as its document names it (`method` in capitals). */
export interface ReferenceOperation {
  method: string;
  path: string;
}

export interface ReferenceCallOptions {
  body?: unknown;
  /** Whose key pair to send; the app's project by default. */
  project?: TestProject;
  /** Another `Authorization` value, such as an organization key's. */
  authorization?: string;
}

/**
 * Calls a reference operation on `/api/public` and checks the answer against the operation's
 * schema. A 409 is left to the test: the reference documents none for these operations, though
 * its server answers them.
 */
export async function checkedCall(t: TestApp, operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) {
  const response = await callPublic(t, operation.method as Parameters<typeof callPublic>[1], url, options);
  if (response.statusCode !== 409) expectReferenceResponse(operation, response.statusCode, response.json());
  return response;
}

/** The JSON body of a reference operation that must answer 200, checked against its schema. */
export async function okCall(t: TestApp, operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) {
  const response = await checkedCall(t, operation, url, options);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}
