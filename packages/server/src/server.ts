import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { type Database, openDatabase } from './db/client.js';
import { type DemoLogin, loadDemo } from './demo/load.js';
import { startMedia } from './janus/pool.js';
import { users } from './modules/auth/schema.js';
import { sealClearTotpSecrets } from './modules/auth/totp-secret.js';

export interface RunningServer {
  app: FastifyInstance;
  ctx: AppContext;
  url: string;
  demoLogins: DemoLogin[] | null;
  stop(): Promise<void>;
}

/**
 * Runs one named phase of the start-up; the CLI passes one that prints progress with elapsed time and, on failure,
 * names the phase and what to do. The default just runs it.
 */
export type StartStep = <T>(phase: StartPhase, run: () => Promise<T>) => Promise<T>;
export type StartPhase = 'database' | 'janus' | 'demo' | 'listen';

const runPlainly: StartStep = (_phase, run) => run();

export async function openAndMigrate(config: Config): Promise<Database> {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  return database;
}

export async function isEmpty(database: Database): Promise<boolean> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(users);
  return (row?.n ?? 0) === 0;
}

/** Opens the database, migrates, optionally loads the demo into an empty database, and listens. */
export async function startServer(
  config: Config,
  opts: {
    demo?: boolean;
    /** [janus hook] Start Janus (default: JANUS=1 or JANUS_URL set). */
    janus?: boolean;
    step?: StartStep;
  } = {},
): Promise<RunningServer> {
  const step = opts.step ?? runPlainly;
  const database = await step('database', () => openAndMigrate(config));
  const withJanus = opts.janus ?? config.janus.enabled;
  // [janus hook] the supervised Janus child (or JANUS_URL), up before the server takes requests.
  const { app, ctx } = await buildApp({
    config,
    database,
    ...(withJanus ? { janus: (log) => step('janus', () => startMedia(config.janus, log, config.nodeId)) } : {}),
  });
  let demoLogins: DemoLogin[] | null = null;
  try {
    await app.ready();
    // The key exists from the first start on (generated, with a warning, when none is configured), and seeds an
    // older release stored in clear are sealed before anyone signs in.
    ctx.secrets();
    const sealed = await database.db.transaction((tx) => sealClearTotpSecrets(tx, ctx.secrets));
    if (sealed) app.log.info({ sealed }, 'sealed TOTP secrets stored in clear');
    if (opts.demo && (await isEmpty(database))) {
      // The demo is built through some hundred API calls; their request logs would bury the logins printed after.
      const level = app.log.level;
      app.log.level = 'warn';
      try {
        demoLogins = await step('demo', () => loadDemo(app, ctx));
      } finally {
        app.log.level = level;
      }
    }
    await step('listen', () => app.listen({ port: config.port, host: config.host }));
  } catch (err) {
    await app.close().catch(() => {}); // stops Janus too [janus hook]
    await database.close().catch(() => {});
    throw err;
  }
  let stopping: Promise<void> | null = null;
  return {
    app,
    ctx,
    url: config.publicUrl,
    demoLogins,
    stop: () => {
      stopping ??= (async () => {
        await app.close(); // stops Janus too [janus hook]
        await database.close();
      })();
      return stopping;
    },
  };
}
