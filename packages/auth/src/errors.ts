/** An authentication failure; `message` is what the client is told, as the reference words it. */
export class AuthError extends Error {
  constructor(
    message: string,
    readonly statusCode: 401 | 403 = 401,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

const HOST_HINT = ". Confirm that you've configured the correct host.";

export const authMessages = {
  noHeader: "No authorization header",
  invalidHeader: "Invalid authorization header",
  invalidBasicHeader: `Invalid authorization header${HOST_HINT}`,
  invalidCredentials: `Invalid credentials${HOST_HINT}`,
  invalidPublicKey: `Invalid public key${HOST_HINT}`,
  orgKeyWithBearer: `Unauthorized: Cannot use organization key with bearer auth${HOST_HINT}`,
  noOrganization: `Invalid credentials: No organization found for key${HOST_HINT}`,
} as const;
