import { z } from "zod";

/**
 * Organization and project memberships. Roles run from OWNER down to NONE; the reference's
 * document leaves NONE out, but its server accepts and returns it, so Wick does too.
 */
export const MembershipRole = z.enum(["OWNER", "ADMIN", "MEMBER", "VIEWER", "NONE"]).meta({ id: "MembershipRole" });

export const MembershipRequest = z.object({ userId: z.string(), role: MembershipRole }).meta({ id: "MembershipRequest" });

export const DeleteMembershipRequest = z.object({ userId: z.string() }).meta({ id: "DeleteMembershipRequest" });

export const MembershipResponse = z
  .object({
    userId: z.string(),
    role: MembershipRole,
    email: z.string().nullable().describe("The user's email; null for a user without one"),
    name: z.string().nullable().describe("The user's name; null when unknown"),
  })
  .meta({ id: "MembershipResponse" });

export const MembershipsResponse = z.object({ memberships: z.array(MembershipResponse) }).meta({ id: "MembershipsResponse" });

export const MembershipDeletionResponse = z.object({ message: z.string(), userId: z.string() }).meta({ id: "MembershipDeletionResponse" });

export type MembershipRole = z.infer<typeof MembershipRole>;
