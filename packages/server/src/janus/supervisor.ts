import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import WebSocket from 'ws';
import { type JanusOptions, newSecrets, type Secrets, type WrittenConfig, writeJanusConfig } from './config.js';
import { type JanusLogger, silentLogger } from './errors.js';
import { LineRedactor } from './redact.js';

export interface SupervisorOptions {
  janus: JanusOptions;
  log?: JanusLogger;
  /** How long one start may take until the WebSocket answers. */
  readyTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL on stop. */
  stopTimeoutMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** A run that lasted this long resets the back-off. */
  stableAfterMs?: number;
  /** Ping interval of the hang watchdog (three missed pongs kill and restart Janus); 0 disables it. */
  watchdogMs?: number;
}

type SupervisorEvents = {
  /** Janus answers on its WebSocket (first start and every restart). */
  ready: [info: { url: string; pid: number; restarts: number }];
  /** A restart after a crash is ready: sessions and rooms of the old process are gone. */
  restarted: [info: { url: string; pid: number; restarts: number }];
  /** The child died unexpectedly; a restart is scheduled. */
  down: [info: { code: number | null; signal: NodeJS.Signals | null; restartInMs: number }];
};

const STDERR_TAIL = 30;

/**
 * Runs Janus as a supervised child: a private configuration, loopback-only sockets, an unprivileged account when
 * Parley runs as root, restart with capped, jittered exponential back-off, and no orphan when Parley exits
 * (SIGKILL on 'exit', and PR_SET_PDEATHSIG through setpriv even if Parley itself is killed).
 */
export class JanusSupervisor extends EventEmitter<SupervisorEvents> {
  readonly secrets: Secrets = newSecrets();
  readonly redactor = new LineRedactor();
  private readonly log: JanusLogger;
  private child: ChildProcess | null = null;
  private written: WrittenConfig | null = null;
  private dir: string | null = null;
  private ownsDir = false;
  private stopping = false;
  /** First start succeeded: from now on, deaths are restarted in the background. */
  private started = false;
  private up = false;
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly tail: string[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  /** Respawns after an unexpected exit. */
  restarts = 0;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(private readonly opts: SupervisorOptions) {
    super();
    this.log = opts.log ?? silentLogger;
    this.redactor.add(this.secrets.adminSecret, this.secrets.adminKey);
  }

  get isUp(): boolean {
    return this.up;
  }
  get url(): string {
    if (!this.written) throw new Error('Janus has not been started');
    return this.written.url;
  }
  get adminUrl(): string {
    if (!this.written) throw new Error('Janus has not been started');
    return this.written.adminUrl;
  }
  get pid(): number | null {
    return this.child?.pid ?? null;
  }
  get configDir(): string | null {
    return this.dir;
  }

  /** Resolves when Janus first answers. Rejects if the binary cannot run; crashes after that are retried. */
  async start(): Promise<void> {
    if (this.dir) throw new Error('JanusSupervisor.start() called twice');
    if (!onPath(this.opts.janus.binary))
      throw new Error(
        `Cannot start Janus: "${this.opts.janus.binary}" not found (install the Debian "janus" package or set JANUS_BINARY)`,
      );
    this.stopping = false;
    if (this.opts.janus.configDir) this.dir = this.opts.janus.configDir;
    else {
      removeStaleConfigDirs();
      this.dir = fs.mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
      this.ownsDir = true;
    }
    process.on('exit', this.killOnExit);
    // A first start can lose the race for its loopback ports; try a few times before giving up.
    let lastError: unknown;
    for (let attempt = 0; attempt < 3 && !this.stopping; attempt++) {
      try {
        await this.spawnOnce();
        this.started = true;
        return;
      } catch (err) {
        lastError = err;
      }
    }
    await this.stop();
    throw lastError;
  }

  private account(): { uid: number; gid: number } | null {
    if (process.getuid?.() !== 0) return null;
    const name = this.opts.janus.runAs;
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      if (uid === 0) throw new Error('refusing to run Janus as root');
      return { uid, gid };
    } catch (err) {
      throw new Error(`Cannot run Janus as "${name}": ${(err as Error).message}`);
    }
  }

  private command(account: { uid: number; gid: number } | null, dir: string): [string, string[]] {
    const janus = [this.opts.janus.binary, '-F', dir, '-C', path.join(dir, 'janus.jcfg')];
    if (!hasSetpriv()) return [janus[0]!, janus.slice(1)];
    const drop = account ? ['--reuid', String(account.uid), '--regid', String(account.gid), '--clear-groups'] : [];
    return ['setpriv', [...drop, '--pdeathsig', 'KILL', '--', ...janus]];
  }

  private async spawnOnce(): Promise<void> {
    const dir = this.dir!;
    const account = this.account();
    const temporary = this.ownsDir;
    this.written = await writeJanusConfig(dir, this.opts.janus, this.secrets, account);
    if (this.stopping) {
      // stop() ran while the files were being written: do not spawn, and do not leave the folder behind.
      if (temporary) fs.rmSync(dir, { recursive: true, force: true });
      return;
    }
    const [cmd, args] = this.command(account, dir);
    const startedAt = Date.now();
    // A minimal environment: Parley's own (database URL, secrets) must not reach Janus.
    const child = spawn(cmd, args, {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(account && !hasSetpriv() ? { uid: account.uid, gid: account.gid } : {}),
    });
    this.child = child;
    this.tail.length = 0;
    for (const stream of [child.stdout!, child.stderr!])
      readline.createInterface({ input: stream }).on('line', (line) => {
        const clean = this.redactor.line(line);
        this.tail.push(clean);
        if (this.tail.length > STDERR_TAIL) this.tail.shift();
        if (clean.trim()) this.log.debug({ janus: child.pid }, clean);
      });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
    });
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (err) => reject(new Error(`Cannot start Janus (${this.opts.janus.binary}): ${err.message}`))),
    );
    exited.then((r) => this.onExit(child, r, startedAt));
    const url = this.written.url;
    await Promise.race([
      waitForJanus(url, this.opts.readyTimeoutMs ?? 15_000, exited),
      spawnError,
      exited.then((r) => {
        throw new Error(`Janus exited during start (code ${r.code}, signal ${r.signal}): ${this.tail.join(' | ')}`);
      }),
    ]).catch((err: Error) => {
      if (this.child === child) {
        if (child.pid === undefined) this.child = null;
        else child.kill('SIGKILL');
      }
      throw err;
    });
    if (this.child !== child || this.stopping) return;
    this.up = true;
    this.watch(child, url);
    const info = { url, pid: child.pid!, restarts: this.restarts };
    this.log.info({ pid: child.pid, restarts: this.restarts }, 'janus: ready');
    this.emit('ready', info);
    if (this.restarts > 0) this.emit('restarted', info);
  }

  /** A hung Janus (deadlock, SIGSTOP) keeps its sockets open but answers nothing: treat it as dead. */
  private watch(child: ChildProcess, url: string): void {
    const every = this.opts.watchdogMs ?? 10_000;
    if (every <= 0) return;
    let missed = 0;
    let busy = false;
    this.watchdog = setInterval(async () => {
      if (busy || this.child !== child) return;
      busy = true;
      const ok = await pingOnce(url);
      busy = false;
      missed = ok ? 0 : missed + 1;
      if (missed >= 3 && this.child === child) {
        this.log.error({ pid: child.pid }, 'janus: not answering; killing it for a restart');
        child.kill('SIGKILL');
      }
    }, every);
    this.watchdog.unref();
  }

  private onExit(
    child: ChildProcess,
    r: { code: number | null; signal: NodeJS.Signals | null },
    startedAt: number,
  ): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    const wasUp = this.up;
    this.up = false;
    if (this.stopping || !this.started) return;
    if (Date.now() - startedAt > (this.opts.stableAfterMs ?? 30_000)) this.attempt = 0;
    this.scheduleRestart(r, wasUp ? this.tail.slice(-10) : undefined);
  }

  private scheduleRestart(r: { code: number | null; signal: NodeJS.Signals | null }, lastLines?: string[]): void {
    const initial = this.opts.backoffInitialMs ?? 500;
    const max = this.opts.backoffMaxMs ?? 30_000;
    const delay = Math.round(Math.min(max, initial * 2 ** this.attempt++) * (0.8 + Math.random() * 0.4));
    this.log.error({ code: r.code, signal: r.signal, restartInMs: delay, lastLines }, 'janus: exited unexpectedly');
    this.emit('down', { ...r, restartInMs: delay });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.restarts++;
      this.spawnOnce().catch((err: Error) => {
        this.log.error({ err: err.message }, 'janus: restart failed');
        // A failed start whose process exited has already scheduled the next try; one that never ran has not.
        if (!this.child && !this.stopping && !this.restartTimer) this.scheduleRestart({ code: null, signal: null });
      });
    }, delay);
  }

  /** SIGTERM, then SIGKILL after the grace period; removes the private configuration folder it created. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.up = false;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.stopTimeoutMs ?? 5_000);
      await exited;
      clearTimeout(timer);
    }
    this.child = null;
    process.off('exit', this.killOnExit);
    if (this.ownsDir && this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
    this.ownsDir = false;
  }
}

const DIR_PREFIX = 'parley-janus-';

/**
 * A Parley killed outright (SIGKILL, OOM) takes its Janus with it (pdeathsig) but leaves the private folder, which
 * holds that run's admin secret. Folders older than a minute that no running process names are removed.
 */
function removeStaleConfigDirs(): void {
  const tmp = os.tmpdir();
  let cmdlines: string | null = null;
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs < 60_000) continue;
      cmdlines ??= runningCommandLines();
      if (!cmdlines.includes(dir)) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process removed or owns it
    }
  }
}

function runningCommandLines(): string {
  const out: string[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      // exited meanwhile
    }
  }
  return out.join('\n');
}

function onPath(binary: string): boolean {
  const candidates = binary.includes('/')
    ? [binary]
    : (process.env.PATH ?? '/usr/bin:/bin').split(':').map((d) => path.join(d, binary));
  return candidates.some((c) => {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

let setprivAvailable: boolean | null = null;
function hasSetpriv(): boolean {
  if (setprivAvailable === null) {
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
      setprivAvailable = true;
    } catch {
      setprivAvailable = false;
    }
  }
  return setprivAvailable;
}

/** Polls Janus with a "ping" over its WebSocket until it answers "pong". */
async function waitForJanus(url: string, timeoutMs: number, exited: Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  exited.then(() => {
    dead = true;
  });
  while (!dead) {
    if (await pingOnce(url)) return;
    if (Date.now() > deadline) throw new Error(`Janus did not answer on ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise(() => {}); // the exit branch of the race reports the failure
}

function pingOnce(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'janus-protocol', { handshakeTimeout: 1_000 });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1_500);
    ws.on('open', () => ws.send(JSON.stringify({ janus: 'ping', transaction: 'ready' })));
    ws.on('message', (raw) => done(String(raw).includes('"pong"')));
    ws.on('error', () => done(false));
  });
}
