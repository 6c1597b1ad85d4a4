import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../packages/server/src/context.js';
import { startServer } from '../../packages/server/src/server.js';
import { ensureWebBuild, loopbackConfig, webDist } from './server.js';

export interface CallServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  /** Pid of the supervised Janus child right now (a new one after each restart). */
  janusPid(): number | null;
  stop(): Promise<void>;
}

/**
 * The real server with its real, supervised Janus child, on loopback: PGlite in a fresh temporary DATA_DIR, Janus
 * gathering ICE candidates on `lo` only (the browsers are on the same machine).
 */
export async function startCallServer(opts: { demo?: boolean } = {}): Promise<CallServer> {
  ensureWebBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-call-e2e-'));
  const config = await loopbackConfig(dataDir, webDist, {
    JANUS: '1',
    JANUS_ICE_ENFORCE_LIST: 'lo',
    JANUS_DEBUG_LEVEL: '2',
  });
  const running = await startServer(config, { janus: true, demo: !!opts.demo });
  return {
    url: running.url,
    app: running.app,
    ctx: running.ctx,
    janusPid: () => running.ctx.janus?.supervisor?.pid ?? null,
    stop: async () => {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
