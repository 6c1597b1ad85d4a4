import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { type RunningServer, startServer } from '../server.js';
import { createTestApp } from '../test-support/app.js';
import { janusInstalled, processesMentioning } from './test-support/janus.js';

describe.skipIf(!janusInstalled)('Parley server with Janus on (real Janus)', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-janus-wiring-'));
    const config = loadConfig(
      { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', JANUS: '1', JANUS_ICE_ENFORCE_LIST: 'lo' },
      { webRoot: '/nonexistent' },
    );
    server = await startServer(config);
  });
  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports Janus in /readyz and /metrics', async () => {
    const ready = await server.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { database: true, janus: true } });
    const text = (await server.app.inject('/metrics')).body;
    expect(text).toMatch(/^parley_janus_up 1$/m);
    expect(text).toMatch(/^parley_janus_restarts_total 0$/m);
  });

  it('is not ready while Janus is down, and ready again after the restart', async () => {
    const janus = server.ctx.janus!;
    const restarted = new Promise((r) => janus.client.once('reset', r));
    process.kill(janus.supervisor!.pid!, 'SIGKILL');
    await new Promise((r) => janus.client.once('disconnected', r));
    const down = await server.app.inject('/readyz');
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ checks: { janus: false } });
    await restarted;
    expect((await server.app.inject('/readyz')).statusCode).toBe(200);
    expect((await server.app.inject('/metrics')).body).toMatch(/^parley_janus_restarts_total 1$/m);
  });

  it('stops Janus with the server', async () => {
    const dir = server.ctx.janus!.supervisor!.configDir!;
    await server.stop();
    expect(processesMentioning(dir)).toEqual([]);
  });
});

describe.skipIf(!janusInstalled)('an app built with Janus (real Janus)', () => {
  it('starts it as the app gets ready and stops it as the app closes', async () => {
    const t = await createTestApp({}, { janus: true });
    const dir = t.ctx.janus!.supervisor!.configDir!;
    expect(processesMentioning(dir)).not.toEqual([]);
    await t.close();
    expect(processesMentioning(dir)).toEqual([]);
  });
});
