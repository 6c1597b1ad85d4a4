import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JanusSupervisor } from '../../packages/server/src/janus/index.js';
import { captureLog, testJanusOptions } from '../../packages/server/src/janus/test-support/janus.js';
import { emptyPostgresDatabase } from '../../packages/server/src/test-support/database.js';
import { type RedisProcess, startRedis } from '../../packages/server/src/test-support/two-nodes.js';
import { ensureWebBuild, freePort, repoRoot, webDist } from './server.js';

/**
 * A whole multi-node deployment on loopback, every part a real process (docs/deploy.md, "Several nodes"):
 * PostgreSQL, Redis, two Janus media nodes, two Parley nodes (the built `parley serve`) and nginx in front. The
 * multi-node API bench starts its own Parley nodes and balancer from the same parts.
 */

export const NGINX = '/usr/sbin/nginx';
const PARLEY = path.join(repoRoot, 'packages/cli/bin/parley.mjs');
const SECRETS_KEY = Buffer.alloc(32, 9).toString('base64');

/**
 * Installs what the cluster needs that the machine lacks (as the other tests do: Debian packages, root); the API
 * bench needs no Janus.
 */
export function ensureClusterPackages(janus = true): void {
  const needed = ['nginx', 'redis-server', ...(janus ? ['janus'] : [])];
  if (!process.env.DATABASE_URL) needed.push('postgresql');
  execFileSync(process.execPath, [path.join(repoRoot, 'scripts/ensure-system.mjs'), ...needed], { stdio: 'inherit' });
}

export interface Postgres {
  url: string;
  stop(): Promise<void>;
}

/** A fresh database on DATABASE_URL's server when the environment gives one, else a private throwaway cluster. */
export async function startPostgres(): Promise<Postgres> {
  if (process.env.DATABASE_URL) {
    const db = await emptyPostgresDatabase(process.env.DATABASE_URL);
    return { url: db.url, stop: () => db.dispose() };
  }
  const base = '/usr/lib/postgresql';
  const version = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(`${base}/${v}/bin/initdb`))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const bin = `${base}/${version}/bin`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-failover-pg-'));
  // PostgreSQL refuses to run as root: as root the cluster belongs to Debian's `postgres` user (as in .ci/run).
  const root = process.getuid?.() === 0;
  const asPg = (cmd: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: dir, stdio: 'pipe' })
      : execFileSync(cmd, args, { cwd: dir, stdio: 'pipe' });
  if (root) {
    fs.chmodSync(dir, 0o700);
    execFileSync('chown', ['postgres', dir]);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  // Trust on loopback only: a throwaway cluster that lives as long as this test, reachable from this machine.
  asPg(`${bin}/initdb`, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-locale', '--encoding=UTF8']);
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  asPg(`${bin}/pg_ctl`, ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start', '-o', opts]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      try {
        asPg(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface ParleyNode {
  id: string;
  port: number;
  /** http://127.0.0.1:port, straight to the node (past nginx): /readyz and /metrics. */
  direct: string;
  pid(): number | undefined;
  alive(): boolean;
  kill(signal: NodeJS.Signals): Promise<void>;
  output(): string;
}

export async function waitFor(
  what: string,
  ok: () => Promise<boolean>,
  timeoutMs: number,
  detail = () => '',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`${what} not ready in ${timeoutMs} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** One Parley node: the built CLI's `parley serve`, a real process of its own. */
export async function startParleyNode(id: string, env: Record<string, string>): Promise<ParleyNode> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-failover-${id}-`));
  const { NODE_ENV: _, ...inherited } = process.env;
  const child: ChildProcess = spawn(process.execPath, [PARLEY, 'serve'], {
    env: { ...inherited, ...env, NODE_ID: id, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const direct = `http://127.0.0.1:${port}`;
  await waitFor(
    `parley node ${id}`,
    async () => {
      if (child.exitCode !== null) throw new Error('exited');
      return (await fetch(`${direct}/readyz`)).status === 200;
    },
    90_000,
    () => out,
  );
  return {
    id,
    port,
    direct,
    pid: () => child.pid,
    alive: () => child.exitCode === null && child.signalCode === null,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    output: () => out,
  };
}

export interface Nginx {
  url: string;
  port: number;
  config: string;
  stop(): Promise<void>;
}

/**
 * The operators' balancer (docs/deploy.md) on loopback, plus a test-only pin: a `parley_pin` cookie of `a` or `b`
 * sends a browser to that node first (the other is its backup), so the test knows which node holds whose socket.
 * Every answer names the node that served it (X-Parley-Upstream).
 */
export async function startNginx(nodes: [ParleyNode, ParleyNode], port: number): Promise<Nginx> {
  const prefix = nginxPrefix('failover');
  const [a, b] = nodes.map((n) => `127.0.0.1:${n.port}`);
  const server = (addr: string, backup = false) =>
    `server ${addr} max_fails=1 fail_timeout=10s${backup ? ' backup' : ''};`;
  const config = `# Written by e2e/support/cluster.ts
${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 512; }
http {
    access_log off;
    ${nginxTempPaths(prefix)}
    upstream parley {
        ${server(a!)}
        ${server(b!)}
    }
    upstream parley_a {
        ${server(a!)}
        ${server(b!, true)}
    }
    upstream parley_b {
        ${server(b!)}
        ${server(a!, true)}
    }
    map $cookie_parley_pin $parley_pool {
        a parley_a;
        b parley_b;
        default parley;
    }
    map $http_upgrade $connection_upgrade {
        default upgrade;
        '' close;
    }
    server {
        listen 127.0.0.1:${port};
        client_max_body_size 50m;
        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto http;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout;
        add_header X-Parley-Upstream $upstream_addr always;
        location /ws {
            proxy_pass http://$parley_pool;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
        }
        location / {
            proxy_pass http://$parley_pool;
        }
    }
}
`;
  const file = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(file, config);
  const run = await runNginx(prefix, file, port);
  return { url: `http://localhost:${port}`, port, config, stop: run.stop };
}

/** A nginx config's directory: temp paths inside it, readable by nginx's workers. */
export function nginxPrefix(name: string): string {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${name}-nginx-`));
  fs.chmodSync(prefix, 0o755);
  return prefix;
}

/** The temp-path lines every private nginx config needs (it must not write under /var). */
export const nginxTempPaths = (prefix: string) =>
  ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `${t}_temp_path ${prefix}/${t === 'client_body' ? 'body' : t};`)
    .join('\n    ');

/**
 * Debian's nginx in the foreground with a private prefix, up once it answers on `port`; `reload` re-reads the
 * config file (new workers take over, the old ones finish), `stop` removes the prefix.
 */
export async function runNginx(
  prefix: string,
  file: string,
  port: number,
): Promise<{ reload(): Promise<void>; stop(): Promise<void> }> {
  const args = ['-p', prefix, '-c', file, '-e', path.join(prefix, 'error.log')];
  const child = spawn(NGINX, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = () => `${out}\n${fs.existsSync(`${prefix}/error.log`) ? fs.readFileSync(`${prefix}/error.log`) : ''}`;
  const up = () =>
    waitFor(
      'nginx',
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        return (await fetch(`http://127.0.0.1:${port}/healthz`)).status < 500;
      },
      20_000,
      errors,
    );
  await up();
  return {
    reload: async () => {
      execFileSync(NGINX, [...args, '-s', 'reload']);
      await new Promise((r) => setTimeout(r, 1_000));
      await up();
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(prefix, { recursive: true, force: true });
    },
  };
}

export interface Cluster {
  /** What the browsers use: nginx, as `localhost` (WebAuthn refuses IP addresses). */
  url: string;
  postgres: Postgres;
  redis: RedisProcess;
  janus: { id: string; supervisor: JanusSupervisor }[];
  nodes: [ParleyNode, ParleyNode];
  nginx: Nginx;
  /** SIGKILL one Janus node, which then stays dead (its supervisor would otherwise start it again). */
  killJanus(id: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts every part; on a failure part-way, stops what had started. */
export async function startCluster(): Promise<Cluster> {
  ensureClusterPackages();
  ensureWebBuild();
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e) => console.error('cluster stop:', e));
  };
  try {
    const postgres = await startPostgres();
    stops.push(() => postgres.stop());
    const redis = await startRedis();
    stops.push(() => redis.stop());
    const janus: Cluster['janus'] = [];
    for (const id of ['media-1', 'media-2']) {
      const supervisor = new JanusSupervisor({ janus: testJanusOptions(), log: captureLog() });
      await supervisor.start();
      stops.push(() => supervisor.stop());
      janus.push({ id, supervisor });
    }
    const nginxPort = await freePort();
    const env = {
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      SECRETS_KEY,
      JANUS_NODES: janus.map((j) => `${j.id} ${j.supervisor.url} ${j.supervisor.secrets.adminKey}`).join('; '),
      JANUS_FAILOVER_MS: '2000',
      JANUS_ICE_ENFORCE_LIST: 'lo',
      TRUST_PROXY: 'loopback',
      WEB_ROOT: webDist,
      LOG_LEVEL: 'warn',
      PUBLIC_URL: `http://localhost:${nginxPort}`,
    };
    // One after the other: the first migrates the empty database.
    const nodes: ParleyNode[] = [];
    for (const id of ['parley-1', 'parley-2']) {
      const node = await startParleyNode(id, env);
      stops.push(() => node.kill('SIGTERM'));
      nodes.push(node);
    }
    const pair = nodes as [ParleyNode, ParleyNode];
    // Its port was chosen before the nodes started: their PUBLIC_URL names it.
    const nginx = await startNginx(pair, nginxPort);
    stops.push(() => nginx.stop());
    return {
      url: nginx.url,
      postgres,
      redis,
      janus,
      nodes: pair,
      nginx,
      killJanus: async (id) => {
        const sup = janus.find((j) => j.id === id)!.supervisor;
        const pid = sup.pid;
        if (pid) process.kill(pid, 'SIGKILL');
        await sup.stop();
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
