import { describe, expect, it } from "vitest";
import { StoredSessions } from "../src/stored-sessions.ts";

const session = (id: string, createdAt: string, projectId = "p1") => ({ project_id: projectId, id, created_at: createdAt, environment: "default" });

describe("StoredSessions", () => {
  it("keeps one row per session, its earliest sighting", () => {
    const sessions = new StoredSessions();
    const rows = [
      session("s1", "2026-01-01T10:00:00.000Z"),
      session("s1", "2026-01-01T09:00:00.000Z"),
      session("s2", "2026-01-01T11:00:00.000Z"),
      session("s1", "2026-01-01T12:00:00.000Z"),
    ];
    expect(sessions.unstored(rows)).toEqual([session("s1", "2026-01-01T09:00:00.000Z"), session("s2", "2026-01-01T11:00:00.000Z")]);
  });

  it("skips sightings no earlier than the one stored, and keeps earlier ones", () => {
    const sessions = new StoredSessions();
    sessions.remember([session("s1", "2026-01-01T10:00:00.000Z")]);
    expect(sessions.unstored([session("s1", "2026-01-01T10:00:00.000Z"), session("s1", "2026-01-01T11:00:00.000Z")])).toEqual([]);
    expect(sessions.unstored([session("s1", "2026-01-01T09:59:59.999Z")])).toEqual([session("s1", "2026-01-01T09:59:59.999Z")]);
  });

  it("tells projects apart", () => {
    const sessions = new StoredSessions();
    sessions.remember([session("s1", "2026-01-01T10:00:00.000Z", "p1")]);
    expect(sessions.unstored([session("s1", "2026-01-01T11:00:00.000Z", "p2")])).toEqual([session("s1", "2026-01-01T11:00:00.000Z", "p2")]);
  });

  it("writes a session again once it was forgotten", () => {
    const sessions = new StoredSessions(2);
    sessions.remember([session("s1", "2026-01-01T10:00:00.000Z"), session("s2", "2026-01-01T10:00:00.000Z"), session("s3", "2026-01-01T10:00:00.000Z")]);
    expect(sessions.unstored([session("s1", "2026-01-01T11:00:00.000Z")])).toEqual([session("s1", "2026-01-01T11:00:00.000Z")]);
    expect(sessions.unstored([session("s3", "2026-01-01T11:00:00.000Z")])).toEqual([]);
  });
});
