import { DataDirectoryLockedError } from "@wick/clickhouse";
import { ModelRepository } from "@wick/models";
import { buildApp } from "./app.ts";
import { credentialsBanner, provision } from "./bootstrap/provision.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { createLogger } from "./logging.ts";
import { createServices } from "./services.ts";
import { closeStores, openStores } from "./stores.ts";
import { WICK_VERSION } from "./version.ts";

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, config.logFormat);
  const started = Date.now();
  log.info(`Starting Wick ${WICK_VERSION}`);

  const stores = await openStores(config, log).catch((error: unknown) => {
    if (!(error instanceof DataDirectoryLockedError)) throw error;
    throw new ConfigError(`Wick cannot start: process ${error.pid} (another Wick?) is using the data directory ${config.dataDir}. Stop it, or set DATA_DIR to another directory.`);
  });
  const services = await createServices(stores, {
    salt: config.salt,
    encryptionKey: config.encryptionKey,
    blobStorageEndpointAllowlist: config.blobStorageEndpointAllowlist,
    llmConnectionAllowlist: config.llmConnectionAllowlist,
    codeEvalDispatcher: config.codeEvalDispatcher,
    adminApiKey: config.adminApiKey,
    apiKeyCacheTtlMs: config.apiKeyCacheTtlMs,
    feedbackWebhookUrl: config.feedbackWebhookUrl,
    version: WICK_VERSION,
    media: config.media,
    log,
  });
  await new ModelRepository(stores.postgres.db).syncManaged();
  const credentials = await provision(services, config.init, config.ignoredInitVariables, log);
  const app = await buildApp(services, {
    logger: log,
    ingestionBodyLimitBytes: config.ingestionBodyLimitBytes,
    inFlightBodyBytes: config.inFlightBodyBytes,
    connectionLimits: config.connectionLimits,
  });
  const baseUrl = `http://localhost:${config.port}`;
  await app.listen({ port: config.port, host: config.host, listenTextResolver: (address) => `Listening on ${address}` });
  log.info(`Wick is ready on ${baseUrl} (started in ${((Date.now() - started) / 1000).toFixed(1)} s); web UI at ${baseUrl}/, API docs at ${baseUrl}/docs`);
  if (credentials) process.stdout.write(`${credentialsBanner(credentials, baseUrl)}\n`);
  // The shortest export period is 20 minutes: a pass a minute starts each export close to its time.
  services.blobExports.start(60_000);
  // Deleted projects whose data a crash or a failing store left behind: now, then once a minute.
  // A pass that cannot even list its projects (a store down) is logged; the next one tries again.
  const pass = (name: string, work: () => Promise<void>) => () =>
    void work().catch((error: unknown) => log.warn(`${name} could not run: ${error instanceof Error ? error.message : String(error)}`));
  const purgePass = pass("Removing deleted projects' data", () => services.projectPurge.purgePending());
  purgePass();
  const purges = setInterval(purgePass, 60_000);
  // Retention is counted in days: an hourly pass keeps data at most an hour past its time.
  const retentionPass = pass("Data retention", () => services.retention.sweep());
  retentionPass();
  const retention = setInterval(retentionPass, 3_600_000);
  // A day settles a minute after its last write (DEFAULT_ROLLUP_SETTLE_MS): a pass a minute
  // builds it soon after.
  const rollupPass = pass("Building observation rollups", () => services.rollupUpkeep.pass());
  rollupPass();
  const rollupUpkeep = setInterval(rollupPass, 60_000);
  // Until a pass forgets them, the traces that arrived after their scores are looked up by every
  // score list: a pass now, then every five minutes, keeps them to what five minutes of scores note.
  const scoreTracePass = pass("Forgetting arrived score traces", () => services.missingScoreTraces.pass());
  scoreTracePass();
  const scoreTraceUpkeep = setInterval(scoreTracePass, 300_000);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal} received: finishing in-flight requests, then closing the stores`);
    services.lifecycle.shuttingDown = true;
    try {
      await app.close();
      clearInterval(purges);
      clearInterval(retention);
      clearInterval(rollupUpkeep);
      clearInterval(scoreTraceUpkeep);
      await services.rollupUpkeep.stop();
      await services.missingScoreTraces.stop();
      await services.blobExports.stop();
      await services.ingestion.close();
      await services.rowDeletes.close();
    } finally {
      await closeStores(stores);
    }
    log.info("Wick stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Wick failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  process.exit(1);
});
