import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it, expect } from "vitest";
import { parse } from "yaml";
import { envSchema, loadConfig } from "../src/config.ts";

// No Docker engine is needed: the deployment files are read and checked against what Wick reads.

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const composeText = readFileSync(new URL("../../../docker-compose.yml", import.meta.url), "utf8");
const dockerfilePath = fileURLToPath(new URL("../Dockerfile", import.meta.url));
const dockerignorePath = join(repoRoot, ".dockerignore");

type HostEnv = Record<string, string | undefined>;

// ---------------------------------------------------------------------------------------------
// Compose interpolation: $$, $VAR, ${VAR}, ${VAR-default}, ${VAR:-default}, ${VAR?message},
// ${VAR:?message}. Nested references inside a default are not supported and are reported.
// ---------------------------------------------------------------------------------------------

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

interface Reference {
  name: string;
  /** "-" / ":-" (default) or "?" / ":?" (required); undefined for a plain reference. */
  operator?: string;
  argument?: string;
}

function references(text: string): Reference[] {
  const found: Reference[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    if (match[0] === "$$") continue;
    const name = match[1] ?? match[4];
    if (name) found.push({ name, operator: match[2], argument: match[3] });
  }
  return found;
}

class MissingVariableError extends Error {
  override name = "MissingVariableError";
}

function interpolate(text: string, host: HostEnv): string {
  return text.replace(REFERENCE, (whole, braced: string | undefined, operator: string | undefined, argument: string | undefined, bare: string | undefined) => {
    if (whole === "$$") return "$";
    const name = (braced ?? bare)!;
    const value = host[name];
    if (argument?.includes("${")) throw new Error(`nested reference in ${whole} is not supported`);
    switch (operator) {
      case undefined:
        return value ?? "";
      case ":-":
        return value ? value : (argument ?? "");
      case "-":
        return value !== undefined ? value : (argument ?? "");
      case ":?":
        if (!value) throw new MissingVariableError(`${name}: ${argument}`);
        return value;
      case "?":
        if (value === undefined) throw new MissingVariableError(`${name}: ${argument}`);
        return value;
      default:
        throw new Error(`unknown operator in ${whole}`);
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The compose file
// ---------------------------------------------------------------------------------------------

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string } | string;
  environment?: Record<string, unknown> | string[];
  ports?: Array<string | number | { target?: number | string; published?: number | string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  ulimits?: Record<string, number | { soft?: number; hard?: number }>;
  restart?: string;
  command?: string | string[];
}

const compose = parse(composeText) as { services?: Record<string, Service>; volumes?: Record<string, unknown> };
const services = compose.services ?? {};

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no ${name} service`);
  return found;
}

/** A service's environment as written: a value, or null for "pass through from the host". */
function rawEnvironment(svc: Service): Record<string, string | null> {
  const result: Record<string, string | null> = {};
  const environment = svc.environment ?? {};
  if (Array.isArray(environment)) {
    for (const entry of environment) {
      const at = entry.indexOf("=");
      if (at === -1) result[entry] = null;
      else result[entry.slice(0, at)] = entry.slice(at + 1);
    }
  } else {
    for (const [key, value] of Object.entries(environment)) result[key] = value === null || value === undefined ? null : String(value);
  }
  return result;
}

/** What the container sees, given the host's environment. */
function containerEnvironment(svc: Service, host: HostEnv): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawEnvironment(svc))) {
    if (value === null) {
      const passed = host[key];
      if (passed !== undefined) result[key] = passed;
    } else {
      result[key] = interpolate(value, host);
    }
  }
  return result;
}

/** The container side of one `ports` entry. */
function containerPort(entry: string | number | { target?: number | string }): number {
  if (typeof entry === "object") return Number(entry.target);
  const withoutProtocol = String(entry).split("/")[0]!;
  return Number(withoutProtocol.slice(withoutProtocol.lastIndexOf(":") + 1));
}

function healthcheckText(svc: Service): string {
  const test = svc.healthcheck?.test;
  return Array.isArray(test) ? test.join(" ") : (test ?? "");
}

function allStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value && typeof value === "object") return Object.values(value).flatMap(allStrings);
  return [];
}

// ---------------------------------------------------------------------------------------------
// The Dockerfile
// ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

function dockerfileInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    // Comment lines are dropped, also inside a continued instruction.
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, " ");
      continue;
    }
    logical.push(pending + line);
    pending = "";
  }
  if (pending) logical.push(pending);
  return logical
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

function dockerfileEnv(instructions: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of instructions.filter((i) => i.keyword === "ENV")) {
    const tokens = args.split(/\s+/);
    if (!tokens[0]?.includes("=")) {
      env[tokens[0]!] = tokens.slice(1).join(" ");
      continue;
    }
    for (const token of tokens) {
      const at = token.indexOf("=");
      env[token.slice(0, at)] = token.slice(at + 1).replace(/^"(.*)"$/, "$1");
    }
  }
  return env;
}

const dockerfileExists = existsSync(dockerfilePath);
const instructions = dockerfileExists ? dockerfileInstructions(readFileSync(dockerfilePath, "utf8")) : [];
const imageEnv = dockerfileEnv(instructions);

// ---------------------------------------------------------------------------------------------
// Host environments the deployment is checked under. Every sample value is distinct, so a
// reference to the wrong variable shows up as a mismatch.
// ---------------------------------------------------------------------------------------------

const requiredOnly: HostEnv = {
  SALT: "sample-salt-7f3a9c",
  POSTGRES_PASSWORD: "sample-pg-password-19c2",
  CLICKHOUSE_PASSWORD: "sample-ch-password-44be",
  MINIO_ROOT_PASSWORD: "sample-minio-password-8d1e",
};

const everything: HostEnv = {
  ...requiredOnly,
  POSTGRES_USER: "sample_pg_user",
  POSTGRES_DB: "sample_pg_db",
  CLICKHOUSE_USER: "sample_ch_user",
  CLICKHOUSE_DB: "sample_ch_db",
  ADMIN_API_KEY: "sample-admin-key-5d01",
  LANGFUSE_INIT_ORG_ID: "sample-org",
  LANGFUSE_INIT_ORG_NAME: "Sample Org",
  LANGFUSE_INIT_ORG_CLOUD_PLAN: "Team",
  LANGFUSE_INIT_PROJECT_ID: "sample-project",
  LANGFUSE_INIT_PROJECT_NAME: "Sample Project",
  LANGFUSE_INIT_PROJECT_RETENTION: "30",
  LANGFUSE_INIT_PROJECT_PUBLIC_KEY: "pk-lf-sample",
  LANGFUSE_INIT_PROJECT_SECRET_KEY: "sk-lf-sample",
};

const hosts: Array<[string, HostEnv]> = [
  ["only the required variables", requiredOnly],
  ["every variable", everything],
];

/** The PORT the server listens on inside the container. */
function listenPort(host: HostEnv): number {
  const env = { ...imageEnv, ...containerEnvironment(service("wick"), host) };
  return Number(env.PORT ?? 3000);
}

const SECRET_NAME = /PASSWORD|SECRET|SALT|API_KEY/;

// ---------------------------------------------------------------------------------------------

describe("interpolation helper", () => {
  it("handles plain, default and required references like compose does", () => {
    const host = { SET: "value", EMPTY: "" };
    expect(interpolate("a-${SET}-b", host)).toBe("a-value-b");
    expect(interpolate("$SET/${UNSET}", host)).toBe("value/");
    expect(interpolate("${EMPTY:-fallback}", host)).toBe("fallback");
    expect(interpolate("${EMPTY-fallback}", host)).toBe("");
    expect(interpolate("${UNSET-fallback}", host)).toBe("fallback");
    expect(interpolate("${SET:?needed}", host)).toBe("value");
    expect(interpolate("$${SET}", host)).toBe("${SET}");
    expect(() => interpolate("${EMPTY:?needed}", host)).toThrow(MissingVariableError);
    expect(() => interpolate("${UNSET?needed}", host)).toThrow(MissingVariableError);
    expect(interpolate("${EMPTY?needed}", host)).toBe("");
  });
});

describe("docker-compose.yml", () => {
  it("defines the wick, postgres and clickhouse services", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["wick", "postgres", "clickhouse"]));
    expect(service("postgres").image).toMatch(/^postgres:17(\b|$)/);
    expect(service("clickhouse").image).toBe("clickhouse/clickhouse-server:25.8");
  });

  it("builds wick from the repository root with the server's Dockerfile", () => {
    const build = service("wick").build;
    expect(typeof build).toBe("object");
    const { context, dockerfile } = build as { context?: string; dockerfile?: string };
    expect(context).toBe(".");
    expect(dockerfile).toBeDefined();
    expect(join(repoRoot, context!, dockerfile!)).toBe(dockerfilePath);
  });

  it("sets only variables that Wick reads on the wick service", () => {
    const keys = Object.keys(rawEnvironment(service("wick")));
    expect(keys.length).toBeGreaterThan(0);
    const known = new Set(Object.keys(envSchema.shape));
    expect(keys.filter((key) => !known.has(key))).toEqual([]);
  });

  it("maps a host port to the port the server listens on", () => {
    const port = listenPort(requiredOnly);
    const ports = service("wick").ports ?? [];
    expect(ports.length).toBeGreaterThan(0);
    expect(ports.map(containerPort)).toContain(port);
  });

  it("needs POSTGRES_PASSWORD from the host for both wick and postgres", () => {
    expect(() => containerEnvironment(service("postgres"), { ...requiredOnly, POSTGRES_PASSWORD: undefined })).toThrow(MissingVariableError);
    expect(() => containerEnvironment(service("wick"), { ...requiredOnly, POSTGRES_PASSWORD: undefined })).toThrow(MissingVariableError);
  });

  it.each(hosts)("gives wick the postgres service's credentials and database (%s)", (_, host) => {
    const wick = containerEnvironment(service("wick"), host);
    const postgres = containerEnvironment(service("postgres"), host);
    expect(wick.DATABASE_URL).toBeDefined();
    const url = new URL(wick.DATABASE_URL!);
    expect(["postgres:", "postgresql:"]).toContain(url.protocol);
    expect(url.hostname).toBe("postgres");
    expect(["", "5432"]).toContain(url.port);
    // The postgres image defaults the user to "postgres" and the database to the user.
    const user = postgres.POSTGRES_USER || "postgres";
    expect(decodeURIComponent(url.username)).toBe(user);
    expect(decodeURIComponent(url.password)).toBe(postgres.POSTGRES_PASSWORD);
    expect(decodeURIComponent(url.password)).toBe(host.POSTGRES_PASSWORD);
    expect(decodeURIComponent(url.pathname.slice(1))).toBe(postgres.POSTGRES_DB || user);
    if (host.POSTGRES_USER) expect(user).toBe(host.POSTGRES_USER);
    if (host.POSTGRES_DB) expect(postgres.POSTGRES_DB).toBe(host.POSTGRES_DB);
  });

  it.each(hosts)("gives wick the clickhouse service's URL, user, password and database (%s)", (_, host) => {
    const wick = containerEnvironment(service("wick"), host);
    const clickhouse = containerEnvironment(service("clickhouse"), host);
    expect(wick.CLICKHOUSE_URL).toBeDefined();
    const url = new URL(wick.CLICKHOUSE_URL!);
    expect(url.protocol).toBe("http:");
    expect(url.hostname).toBe("clickhouse");
    expect(url.port).toBe("8123");
    // Both Wick and the clickhouse image fall back to the "default" user and database.
    expect(wick.CLICKHOUSE_USER || "default").toBe(clickhouse.CLICKHOUSE_USER || "default");
    expect(wick.CLICKHOUSE_PASSWORD ?? "").toBe(clickhouse.CLICKHOUSE_PASSWORD ?? "");
    expect(wick.CLICKHOUSE_PASSWORD).toBe(host.CLICKHOUSE_PASSWORD);
    expect(wick.CLICKHOUSE_DB || "default").toBe(clickhouse.CLICKHOUSE_DB || "default");
    if (host.CLICKHOUSE_USER) expect(clickhouse.CLICKHOUSE_USER).toBe(host.CLICKHOUSE_USER);
    if (host.CLICKHOUSE_DB) expect(clickhouse.CLICKHOUSE_DB).toBe(host.CLICKHOUSE_DB);
  });

  it("starts wick once postgres and clickhouse report healthy", () => {
    const dependsOn = service("wick").depends_on;
    expect(dependsOn).toBeDefined();
    expect(Array.isArray(dependsOn)).toBe(false);
    const conditions = dependsOn as Record<string, { condition?: string }>;
    expect(conditions.postgres?.condition).toBe("service_healthy");
    expect(conditions.clickhouse?.condition).toBe("service_healthy");
  });

  it("gives every service a working healthcheck", () => {
    for (const name of ["wick", "postgres", "clickhouse"]) {
      const healthcheck = service(name).healthcheck;
      expect(healthcheck, name).toBeDefined();
      expect(healthcheck?.disable, name).not.toBe(true);
      expect(healthcheckText(service(name)), name).not.toMatch(/^(NONE)?$/);
    }
    expect(healthcheckText(service("postgres"))).toContain("pg_isready");
    expect(healthcheckText(service("clickhouse"))).toMatch(/:8123\/ping|SELECT 1/);
    const wickCheck = healthcheckText(service("wick"));
    const target = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)\/api\/public\/health/.exec(wickCheck);
    expect(target, wickCheck).not.toBeNull();
    expect(Number(target![1])).toBe(listenPort(requiredOnly));
  });

  it("raises clickhouse's open-file limit and keeps the databases on named volumes", () => {
    const nofile = service("clickhouse").ulimits?.nofile;
    const limits = typeof nofile === "number" ? { soft: nofile, hard: nofile } : nofile;
    expect(limits?.soft).toBe(262144);
    expect(limits?.hard).toBe(262144);

    const declared = Object.keys(compose.volumes ?? {});
    const volumeFor = (name: string, target: string) =>
      (service(name).volumes ?? [])
        .map((volume) => (typeof volume === "string" ? { source: volume.split(":")[0], target: volume.split(":")[1] } : volume))
        .find((volume) => volume.target === target)?.source;
    expect(declared).toContain(volumeFor("postgres", "/var/lib/postgresql/data"));
    expect(declared).toContain(volumeFor("clickhouse", "/var/lib/clickhouse"));
  });

  it("keeps media in MinIO, which Wick reaches by service name and SDKs through the published port", () => {
    const host: HostEnv = { ...requiredOnly, MINIO_PORT: "9555" };
    const wick = containerEnvironment(service("wick"), host);
    const minio = containerEnvironment(service("minio"), host);
    expect(new URL(wick.LANGFUSE_S3_MEDIA_UPLOAD_ENDPOINT!).host).toBe("minio:9000");
    expect(new URL(wick.WICK_S3_MEDIA_PUBLIC_ENDPOINT!).host).toBe("localhost:9555");
    expect((service("minio").ports ?? []).map((entry) => interpolate(String(entry), host))).toEqual(["9555:9000"]);
    expect(wick.LANGFUSE_S3_MEDIA_UPLOAD_FORCE_PATH_STYLE).toBe("true");
    expect(wick.LANGFUSE_S3_MEDIA_UPLOAD_ACCESS_KEY_ID).toBe(minio.MINIO_ROOT_USER);
    expect(wick.LANGFUSE_S3_MEDIA_UPLOAD_SECRET_ACCESS_KEY).toBe(host.MINIO_ROOT_PASSWORD);
    expect(minio.MINIO_ROOT_PASSWORD).toBe(host.MINIO_ROOT_PASSWORD);
    // The bucket Wick names is the directory MinIO's start creates.
    expect([service("minio").command].flat().join(" ")).toContain(`mkdir -p /data/${wick.LANGFUSE_S3_MEDIA_UPLOAD_BUCKET}`);
    expect((service("wick").depends_on as Record<string, { condition?: string }>).minio?.condition).toBe("service_healthy");
    expect(healthcheckText(service("minio"))).toContain("mc ready local");
    expect(Object.keys(compose.volumes ?? {})).toContain("minio-data");
  });

  it("contains no literal secret", () => {
    const checked: string[] = [];
    for (const [name, svc] of Object.entries(services)) {
      for (const [key, value] of Object.entries(rawEnvironment(svc))) {
        if (!SECRET_NAME.test(key) || value === null) continue;
        checked.push(`${name}.${key}`);
        // The whole value is one reference, with no default (an empty default is no secret).
        const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}$/.exec(value);
        expect(match, `${name}.${key} = ${value}`).not.toBeNull();
        if (match![2]?.includes("-")) expect(match![3], `${name}.${key} has a default`).toBe("");
      }
    }
    expect(checked).toEqual(expect.arrayContaining(["wick.SALT", "wick.CLICKHOUSE_PASSWORD", "postgres.POSTGRES_PASSWORD", "clickhouse.CLICKHOUSE_PASSWORD"]));

    // Anywhere in the file, a reference to a secret may not carry a default value.
    const secretDefaults = allStrings(compose)
      .flatMap(references)
      .filter((ref) => SECRET_NAME.test(ref.name) && ref.operator?.includes("-") && ref.argument !== "");
    expect(secretDefaults).toEqual([]);

    // The password in DATABASE_URL comes from the host too.
    expect(references(rawEnvironment(service("wick")).DATABASE_URL ?? "").map((ref) => ref.name)).toContain("POSTGRES_PASSWORD");
  });

  it("refuses to start without SALT", () => {
    const salt = rawEnvironment(service("wick")).SALT;
    expect(salt).toBeTypeOf("string");
    expect(references(salt!)[0]?.operator).toMatch(/\?$/);
    expect(() => containerEnvironment(service("wick"), { ...requiredOnly, SALT: undefined })).toThrow(MissingVariableError);
    expect(() => containerEnvironment(service("wick"), { ...requiredOnly, SALT: "" })).toThrow(MissingVariableError);
  });

  it.each(hosts)("yields an environment loadConfig accepts, on server Postgres and ClickHouse (%s)", (_, host) => {
    const env = { ...imageEnv, ...containerEnvironment(service("wick"), host) };
    const config = loadConfig(env);
    expect(config.postgres.kind).toBe("server");
    expect(config.clickhouse.kind).toBe("server");
    if (config.postgres.kind === "server") expect(new URL(config.postgres.url).hostname).toBe("postgres");
    if (config.clickhouse.kind === "server") {
      expect(config.clickhouse.password).toBe(host.CLICKHOUSE_PASSWORD);
      expect(config.clickhouse.username).toBe(containerEnvironment(service("clickhouse"), host).CLICKHOUSE_USER || "default");
      expect(config.clickhouse.database).toBe(containerEnvironment(service("clickhouse"), host).CLICKHOUSE_DB || "default");
    }
    expect(config.salt).toBe(host.SALT);
    expect(config.adminApiKey).toBe(host.ADMIN_API_KEY);
    expect(config.host).toBe("0.0.0.0");
    expect(config.port).toBe(listenPort(host));
    expect(config.init?.orgId).toBe(host.LANGFUSE_INIT_ORG_ID);
    expect(config.init?.projectRetentionDays).toBe(host.LANGFUSE_INIT_PROJECT_RETENTION ? Number(host.LANGFUSE_INIT_PROJECT_RETENTION) : undefined);
    expect(config.init?.publicKey).toBe(host.LANGFUSE_INIT_PROJECT_PUBLIC_KEY);
    expect(config.init?.secretKey).toBe(host.LANGFUSE_INIT_PROJECT_SECRET_KEY);
  });
});

describe("apps/server/Dockerfile", () => {
  const args = (keyword: string) => instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

  it("exists and is based on node 20 bookworm-slim", () => {
    expect(dockerfileExists).toBe(true);
    expect(args("FROM")[0]).toMatch(/^node:20-bookworm-slim\b/);
  });

  it("exposes the port the server listens on, and the compose file maps it", () => {
    const exposed = args("EXPOSE")
      .flatMap((a) => a.split(/\s+/))
      .map((p) => Number(p.split("/")[0]));
    expect(imageEnv.PORT).toBeDefined();
    expect(exposed).toContain(Number(imageEnv.PORT));
    expect(exposed).toContain(listenPort(requiredOnly));
  });

  it("listens on every interface and keeps its data in the declared volume, writable by the node user", () => {
    expect(imageEnv.HOST).toBe("0.0.0.0");
    expect(imageEnv.DATA_DIR).toBeDefined();
    const volumes = args("VOLUME").flatMap((a) => (a.startsWith("[") ? (JSON.parse(a) as string[]) : a.split(/\s+/)));
    expect(volumes).toContain(imageEnv.DATA_DIR);
    expect(args("USER").at(-1)).toBe("node");
    expect(args("RUN").some((a) => a.includes("chown") && a.includes(imageEnv.DATA_DIR!))).toBe(true);
  });

  it("copies every workspace manifest and the lockfile before installing, then the sources", () => {
    const installAt = instructions.findIndex((i) => i.keyword === "RUN" && /pnpm install --frozen-lockfile/.test(i.args));
    expect(installAt).toBeGreaterThan(-1);
    const copiedBefore = instructions
      .slice(0, installAt)
      .filter((i) => i.keyword === "COPY")
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((word) => !word.startsWith("--"))
          .slice(0, -1),
      );

    const workspace = parse(readFileSync(join(repoRoot, "pnpm-workspace.yaml"), "utf8")) as { packages: string[] };
    const manifests = ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"];
    for (const pattern of workspace.packages) {
      expect(pattern.endsWith("/*")).toBe(true);
      const parent = pattern.slice(0, -2);
      for (const dir of readdirSync(join(repoRoot, parent))) {
        if (existsSync(join(repoRoot, parent, dir, "package.json"))) manifests.push(`${parent}/${dir}/package.json`);
      }
    }
    expect(manifests).toContain("apps/server/package.json");
    expect(manifests.filter((manifest) => !copiedBefore.includes(manifest))).toEqual([]);

    const copiedAfter = instructions
      .slice(installAt + 1)
      .filter((i) => i.keyword === "COPY")
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((word) => !word.startsWith("--"))
          .slice(0, -1),
      );
    expect(copiedAfter).toEqual(expect.arrayContaining(["apps", "packages", "migrations", "openapi", "tsconfig.json"]));
  });

  it("runs the entry point the start script runs, and checks /api/public/health", () => {
    const command = JSON.parse(args("CMD").at(-1) ?? "null") as string[];
    expect(command.slice(0, 3)).toEqual(["node", "--import", "tsx"]);
    const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    expect(root.scripts?.start).toBe(`tsx ${command[3]}`);
    const healthcheck = args("HEALTHCHECK").at(-1) ?? "";
    expect(healthcheck).toContain("/api/public/health");
    expect(healthcheck).toMatch(/\bfetch\(/);
  });

  it("is not sent host node_modules or local data", () => {
    expect(existsSync(dockerignorePath)).toBe(true);
    const lines = readFileSync(dockerignorePath, "utf8")
      .split("\n")
      .map((line) => line.trim());
    expect(lines).toContain("**/node_modules");
    expect(lines.some((line) => /^(\*\*\/)?\.data$/.test(line))).toBe(true);
    expect(lines).toContain(".git");
  });
});
