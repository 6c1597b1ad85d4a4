import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type JanusService, startJanus, VideoRoomErrors } from './index.js';
import {
  captureLog,
  eventually,
  janusInstalled,
  listenersOn,
  processesMentioning,
  testJanusOptions,
} from './test-support/janus.js';

/** One admin-API round trip on a fresh socket. */
async function adminCall(url: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const ws = new WebSocket(url, 'janus-admin-protocol');
  await once(ws, 'open');
  ws.send(JSON.stringify({ ...body, transaction: 'admin-test' }));
  const [raw] = await once(ws, 'message');
  ws.close();
  return JSON.parse(String(raw));
}

describe.skipIf(!janusInstalled)('Janus as a supervised child (real Janus)', () => {
  const log = captureLog();
  let janus: JanusService;

  beforeAll(async () => {
    janus = await startJanus(testJanusOptions({ debugLevel: 5 }), log);
  });
  afterAll(async () => {
    await janus?.stop();
  });

  it('starts Janus, connects, and creates a session', async () => {
    expect(janus.isUp()).toBe(true);
    const session = await janus.client.createSession();
    expect(session.id).toBeGreaterThan(0);
    await session.destroy();
  });

  it('loads only the VideoRoom plugin and the WebSocket transport', async () => {
    const info = await janus.client.info();
    expect(Object.keys(info.plugins as object)).toEqual(['janus.plugin.videoroom']);
    expect(Object.keys(info.transports as object)).toEqual(['janus.transport.websockets']);
    expect(Object.keys(info.events as object)).toEqual([]);
  });

  it('listens on loopback only, as an unprivileged user when Parley is root', () => {
    const sup = janus.supervisor!;
    const port = Number(new URL(sup.url).port);
    const adminPort = Number(new URL(sup.adminUrl).port);
    expect(listenersOn(port)).toEqual(['0100007F']);
    expect(listenersOn(adminPort)).toEqual(['0100007F']);
    const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${sup.pid}/status`, 'utf8'))?.[1];
    if (process.getuid?.() === 0) expect(Number(uid)).not.toBe(0);
    else expect(Number(uid)).toBe(process.getuid?.());
    const env = fs.readFileSync(`/proc/${sup.pid}/environ`, 'utf8').split('\0');
    expect(env.some((e) => e.startsWith('DATABASE_URL='))).toBe(false);
  });

  it('keeps its configuration private and the admin API behind a per-start secret', async () => {
    const sup = janus.supervisor!;
    const dir = sup.configDir!;
    expect(fs.statSync(dir).mode & 0o077).toBe(0);
    expect(fs.statSync(path.join(dir, 'janus.jcfg')).mode & 0o077).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'plugins'))).toEqual(['libjanus_videoroom.so']);
    const refused = await adminCall(sup.adminUrl, { janus: 'list_sessions', admin_secret: 'janusoverlord' });
    expect(refused).toMatchObject({ janus: 'error', error: { code: 403 } });
    const ok = await adminCall(sup.adminUrl, { janus: 'list_sessions', admin_secret: sup.secrets.adminSecret });
    expect(ok.janus).toBe('success');
  });

  it('refuses to create rooms without the VideoRoom admin_key', async () => {
    const session = await janus.client.createSession();
    const handle = await session.attach('janus.plugin.videoroom');
    await expect(handle.message({ request: 'create', room: 4242, admin_key: 'guess' })).rejects.toMatchObject({
      kind: 'plugin',
      code: VideoRoomErrors.unauthorized,
    });
    await session.destroy();
  });

  it('times requests out with a typed error when Janus does not answer', async () => {
    const session = await janus.client.createSession();
    const handle = await session.attach('janus.plugin.videoroom');
    const pid = janus.supervisor!.pid!;
    process.kill(pid, 'SIGSTOP'); // frozen, not dead: the socket stays open and nothing answers
    try {
      await eventually(() => /^State:\s+T/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8')));
      await expect(handle.message({ request: 'list' }, undefined, { timeoutMs: 300 })).rejects.toMatchObject({
        kind: 'timeout',
      });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await session.destroy();
  });

  it('restarts Janus after SIGKILL; the client reports a reset and reconnects', async () => {
    const sup = janus.supervisor!;
    const { room } = await janus.rooms.create({ allowed: ['tok-before-crash'] });
    const session = await janus.client.createSession();
    const gone = once(session, 'gone');
    const restarted = once(sup, 'restarted');
    const reset = once(janus.client, 'reset');
    const oldPid = sup.pid!;
    process.kill(oldPid, 'SIGKILL');
    await gone;
    expect(janus.isUp()).toBe(false);
    await restarted;
    await reset;
    expect(sup.pid).not.toBe(oldPid);
    expect(janus.restarts()).toBe(1);
    expect(janus.isUp()).toBe(true);
    expect(processesMentioning(sup.configDir!)).toEqual([sup.pid]);
    // Rooms lived in the dead process: the room layer recreates them.
    expect(await janus.rooms.exists(room)).toBe(false);
    const again = await janus.rooms.create({ room, allowed: ['tok-after-crash'] });
    expect(await janus.rooms.exists(again.room)).toBe(true);
  });

  it('never logs secrets, tokens or the admin key', () => {
    const text = log.lines.join('\n');
    expect(text).toContain('Created VideoRoom'); // debug level 5 makes Janus print room secrets; they are redacted
    const sup = janus.supervisor!;
    for (const secret of [sup.secrets.adminSecret, sup.secrets.adminKey, 'tok-before-crash', 'tok-after-crash'])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/secret: (?!\[redacted\]|no secret)/);
  });
});

describe.skipIf(!janusInstalled)('Janus shutdown (real Janus)', () => {
  it('stops with SIGTERM, leaves no janus process and removes its private folder', async () => {
    const janus = await startJanus(testJanusOptions(), captureLog());
    const dir = janus.supervisor!.configDir!;
    expect(processesMentioning(dir)).toHaveLength(1);
    await janus.stop();
    expect(processesMentioning(dir)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(janus.isUp()).toBe(false);
  });

  it('dies with Parley even when Parley is killed outright (no orphan)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-orphan-test-'));
    const script = path.join(tmp, 'run.mts');
    const here = import.meta.dirname;
    fs.writeFileSync(
      script,
      `import { JanusSupervisor } from ${JSON.stringify(path.join(here, 'supervisor.ts'))};
import { janusOptionsFromEnv } from ${JSON.stringify(path.join(here, 'config.ts'))};
const s = new JanusSupervisor({ janus: janusOptionsFromEnv({ JANUS: '1' }) });
await s.start();
console.log(JSON.stringify({ dir: s.configDir, pid: s.pid }));
setInterval(() => {}, 1000);
`,
    );
    const parley = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(readline.createInterface({ input: parley.stdout! }), 'line')) as [string];
      const { dir, pid } = JSON.parse(line) as { dir: string; pid: number };
      expect(processesMentioning(dir)).toEqual([pid]);
      parley.kill('SIGKILL');
      await eventually(() => processesMentioning(dir).length === 0);
      fs.rmSync(dir, { recursive: true, force: true });
    } finally {
      parley.kill('SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('fails clearly when the binary is missing', async () => {
    await expect(startJanus(testJanusOptions({ binary: '/nonexistent/janus' }), captureLog())).rejects.toThrow(
      /Cannot start Janus: "\/nonexistent\/janus" not found/,
    );
  });

  it('kills and restarts a Janus that hangs (watchdog)', async () => {
    const janus = await startJanus(testJanusOptions(), captureLog(), { watchdogMs: 200 });
    try {
      const pid = janus.supervisor!.pid!;
      const reset = once(janus.client, 'reset');
      process.kill(pid, 'SIGSTOP');
      await reset;
      expect(janus.supervisor!.pid).not.toBe(pid);
      expect(processesMentioning(janus.supervisor!.configDir!)).toEqual([janus.supervisor!.pid]);
    } finally {
      await janus.stop();
    }
  });

  it('keeps restarting a Janus that keeps dying, and stops cleanly in between', async () => {
    const janus = await startJanus(testJanusOptions(), captureLog());
    const sup = janus.supervisor!;
    for (let round = 1; round <= 2; round++) {
      const reset = once(janus.client, 'reset');
      process.kill(sup.pid!, 'SIGKILL');
      await reset;
      expect(sup.restarts).toBe(round);
    }
    process.kill(sup.pid!, 'SIGKILL');
    await once(sup, 'down'); // stop while a restart is pending
    const dir = sup.configDir!;
    await janus.stop();
    expect(processesMentioning(dir)).toEqual([]);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
