import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../packages/server/src/app.js';
import { type Config, loadConfig } from '../../packages/server/src/config.js';
import type { AppContext } from '../../packages/server/src/context.js';
import { openDatabase } from '../../packages/server/src/db/client.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const webDir = path.join(repoRoot, 'packages/web');
export const webDist = path.join(webDir, 'dist');

export interface E2eServer {
  /** The address the browser uses: `localhost`, because WebAuthn refuses IP addresses as relying-party ids. */
  url: string;
  app: FastifyInstance;
  ctx: AppContext;
  dataDir: string;
  /** Stops the server and closes the database; a second call does nothing. */
  stop(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the SPA when dist is missing or older than its sources, so a spec never runs against a stale UI. */
export function ensureWebBuild(): void {
  const index = path.join(webDist, 'index.html');
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  const sources = Math.max(
    newestMtime(path.join(webDir, 'src')),
    fs.statSync(path.join(webDir, 'index.html')).mtimeMs,
    fs.statSync(path.join(webDir, 'vite.config.ts')).mtimeMs,
  );
  if (built >= sources) return;
  // vitest sets NODE_ENV=test, which would make vite bundle React's development build.
  execFileSync('npm', ['run', 'build', '-w', '@parley/web'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export async function freePort(): Promise<number> {
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
 * Config for a server on loopback at a free port, published as `localhost` because WebAuthn refuses IP addresses as
 * relying-party ids. `env` adds or overrides variables (Janus settings, for instance).
 */
export async function loopbackConfig(dataDir: string, webRoot: string, env: NodeJS.ProcessEnv = {}): Promise<Config> {
  const port = await freePort();
  return loadConfig(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: `http://localhost:${port}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    { webRoot },
  );
}

export interface E2eServerOptions {
  /** A prebuilt SPA to serve instead of the shipped dist (which is then not rebuilt). */
  webRoot?: string;
  /** Name prefix of the temporary DATA_DIR. */
  dataDirPrefix?: string;
  /** Leave the DATA_DIR on disk after stop(), for specs that inspect what the server stored. */
  keepDataDir?: boolean;
}

/** The real server, in this process, on loopback, with PGlite in a fresh temporary DATA_DIR. */
export async function startE2eServer(opts: E2eServerOptions = {}): Promise<E2eServer> {
  if (!opts.webRoot) ensureWebBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), opts.dataDirPrefix ?? 'parley-e2e-'));
  const config = await loopbackConfig(dataDir, opts.webRoot ?? webDist);
  const database = await openDatabase({ databaseUrl: null, dataDir: config.dataDir });
  await database.migrate();
  const { app, ctx } = await buildApp({ config, database, logger: false });
  await app.listen({ port: config.port, host: config.host });
  let stopped = false;
  return {
    url: config.publicUrl,
    app,
    ctx,
    dataDir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await app.close();
      await database.close();
      if (!opts.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
