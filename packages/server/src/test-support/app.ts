import type { FastifyInstance } from 'fastify';
import { type BuildOptions, buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { AppContext } from '../context.js';
import { startJanus } from '../janus/index.js';
import { freshDatabase } from './database.js';

export const TEST_ORIGIN = 'http://127.0.0.1:8080';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  close(): Promise<void>;
}

/** A fixed test key, so TOTP seeds are sealed as in production without a key file. */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/** A real app on a fresh in-memory database; `janus` gives it a real Janus child for its lifetime, as in production. */
export async function createTestApp(
  env: Record<string, string> = {},
  opts: { janus?: boolean | NonNullable<BuildOptions['janus']> } = {},
): Promise<TestApp> {
  const database = await freshDatabase();
  // API tests speak to the server as 127.0.0.1 (an IP is fine for the server's own checks; only browsers refuse it).
  const config = loadConfig(
    {
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: TEST_ORIGIN,
      DATA_DIR: '/nonexistent',
      SECRETS_KEY: TEST_SECRETS_KEY,
      ...env,
    },
    { webRoot: '/nonexistent' },
  );
  const { app, ctx } = await buildApp({
    config,
    database,
    logger: false,
    ...(opts.janus ? { janus: opts.janus === true ? startTestJanus : opts.janus } : {}),
  });
  await app.ready();
  return {
    app,
    ctx,
    close: async () => {
      await app.close();
      await database.dispose();
    },
  };
}

/** Loaded only here: the Janus test helpers look for the binary when they load. */
async function startTestJanus() {
  const { captureLog, testJanusOptions } = await import('../janus/test-support/janus.js');
  return startJanus(testJanusOptions(), captureLog());
}

export { InjectClient as TestClient } from '../lib/inject-client.js';
