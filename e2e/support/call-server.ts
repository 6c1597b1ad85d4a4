import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../packages/server/src/config.js';
import type { AppContext } from '../../packages/server/src/context.js';
import { startServer } from '../../packages/server/src/server.js';
import { ensureWebBuild, webDist } from './server.js';

export interface CallServer {
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  /** Pid of the supervised Janus child right now (a new one after each restart). */
  janusPid(): number | null;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The real server with its real, supervised Janus child, on loopback: PGlite in a fresh temporary DATA_DIR, Janus
 * gathering ICE candidates on `lo` only (the browsers are on the same machine).
 */
export async function startCallServer(opts: { demo?: boolean } = {}): Promise<CallServer> {
  ensureWebBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-call-e2e-'));
  const port = await freePort();
  const config = loadConfig(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://localhost:${port}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      JANUS: '1',
      JANUS_ICE_ENFORCE_LIST: 'lo',
      JANUS_DEBUG_LEVEL: '2',
    },
    { webRoot: webDist },
  );
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
