// What the multi-node API bench starts around Parley, all on loopback and all gone when it ends: a private
// PostgreSQL cluster (as .ci/run makes one), Parley nodes as separate processes, and Debian's nginx as the balancer.
// Kept inside bench/ so it shares nothing with the failover test's harness.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../packages/server/src/test-support/two-nodes.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(benchDir, '..');
export const NGINX = '/usr/sbin/nginx';

/** Installs the Debian packages the bench needs when they are missing (apt, as the CI and developers have it). */
export function ensureSystem(): void {
  const pgBin = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').length > 0;
  if (existsSync(NGINX) && existsSync('/usr/bin/redis-server') && pgBin) return;
  execFileSync(process.execPath, [join(repoRoot, 'scripts/ensure-system.mjs'), 'nginx', 'postgresql', 'redis-server'], {
    stdio: 'inherit',
  });
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Postgres {
  url: string;
  stop(): void;
}

/** A throwaway cluster with durability off; as root it belongs to Debian's `postgres` user, as in .ci/run. */
export async function startPostgres(): Promise<Postgres> {
  const pgBin = readdirSync('/usr/lib/postgresql')
    .sort((a, b) => Number(a) - Number(b))
    .map((v) => `/usr/lib/postgresql/${v}/bin`)
    .at(-1)!;
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-pg-'));
  chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const password = randomBytes(16).toString('hex');
  writeFileSync(join(dir, 'pwfile'), password, { mode: 0o600 });
  if (root) execFileSync('chown', ['-R', 'postgres', dir]);
  const user = root ? 'postgres' : (process.env.USER ?? 'postgres');
  const asPg = (cmd: string, args: string[]) =>
    root ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { cwd: dir }) : execFileSync(cmd, args);
  const data = join(dir, 'data');
  const port = await freePort();
  asPg(`${pgBin}/initdb`, [
    '-D',
    data,
    '-U',
    user,
    `--pwfile=${join(dir, 'pwfile')}`,
    '--auth-local=peer',
    '--auth-host=scram-sha-256',
    '--no-locale',
    '--encoding=UTF8',
  ]);
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  asPg(`${pgBin}/pg_ctl`, ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start', '-o', opts]);
  asPg(`${pgBin}/psql`, [
    '-h',
    dir,
    '-p',
    String(port),
    '-U',
    user,
    '-d',
    'postgres',
    '-v',
    'ON_ERROR_STOP=1',
    '-q',
    '-c',
    `CREATE ROLE parley LOGIN SUPERUSER PASSWORD '${password}'`,
    '-c',
    'CREATE DATABASE parley OWNER parley',
  ]);
  return {
    url: `postgres://parley:${password}@127.0.0.1:${port}/parley`,
    stop: () => {
      try {
        asPg(`${pgBin}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export interface NodeProcess {
  port: number;
  stop(): Promise<void>;
}

/** One Parley node in its own process (its own event loop, as on its own host). */
export async function startNode(env: Record<string, string>): Promise<NodeProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, join(benchDir, 'support/api-node.ts')], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(`Parley node ${env.NODE_ID}`, () => {
    if (child.exitCode !== null) throw new Error(`Parley node ${env.NODE_ID} exited:\n${out}`);
    return out.includes('listening ');
  });
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

export interface Balancer {
  url: string;
  /** Points the same nginx at these upstream ports (a graceful reload). */
  route(ports: number[]): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's nginx with a private prefix and config in a temp dir, listening on loopback only. */
export async function startNginx(ports: number[]): Promise<Balancer> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-nginx-'));
  chmodSync(dir, 0o755);
  for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  const write = (upstreams: number[]) =>
    writeFileSync(
      conf,
      `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 2048; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream parley {
${upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://parley;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
    );
  write(ports);
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'inherit' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const up = async () => {
    try {
      return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
    } catch {
      return false;
    }
  };
  await waitFor('nginx', up);
  return {
    url: `http://127.0.0.1:${port}`,
    route: async (next) => {
      write(next);
      execFileSync(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log'), '-s', 'reload']);
      // A reload starts new workers and lets the old ones finish; give them a moment to take over.
      await new Promise((r) => setTimeout(r, 1_000));
      await waitFor('nginx after reload', up);
    },
    stop: async () => {
      child.kill('SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
