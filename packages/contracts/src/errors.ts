import { z } from "zod";

/** The body of every error the standard public routes answer with. */
export const ErrorResponse = z
  .object({
    message: z.string().describe("What went wrong, in words a user can act on"),
    error: z
      .union([z.string(), z.array(z.unknown())])
      .optional()
      .describe("Error class, or the validation issues"),
  })
  .meta({ id: "ErrorResponse" });

/** Admin API errors carry an `error` text (one case also a `message`). */
export const AdminErrorResponse = z.object({ error: z.string(), message: z.string().optional() }).meta({ id: "AdminErrorResponse" });

export type ErrorResponse = z.infer<typeof ErrorResponse>;
