// What the multi-node API bench starts around Parley, all on loopback and all gone when it ends: a private
// PostgreSQL cluster (as .ci/run makes one), Parley nodes as separate processes, and Debian's nginx as the balancer.
// PostgreSQL and nginx come from the failover test's harness (e2e/support/cluster.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nginxPrefix, nginxTempPaths, runNginx, waitFor } from '../../e2e/support/cluster.js';
import { freePort } from '../../packages/server/src/test-support/two-nodes.js';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..');

export { ensureClusterPackages, type Postgres, startPostgres } from '../../e2e/support/cluster.js';

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
  await waitFor(
    `Parley node ${env.NODE_ID}`,
    async () => {
      if (child.exitCode !== null) throw new Error('exited');
      return out.includes('listening ');
    },
    30_000,
    () => out,
  );
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

/** Debian's nginx on loopback in front of the given node ports, keeping connections to them open. */
export async function startNginx(ports: number[]): Promise<Balancer> {
  const prefix = nginxPrefix('bench');
  const port = await freePort();
  const file = join(prefix, 'nginx.conf');
  const write = (upstreams: number[]) =>
    writeFileSync(
      file,
      `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
events { worker_connections 2048; }
http {
    access_log off;
    ${nginxTempPaths(prefix)}
    upstream parley {
${upstreams.map((p) => `        server 127.0.0.1:${p};`).join('\n')}
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
  const nginx = await runNginx(prefix, file, port);
  return {
    url: `http://127.0.0.1:${port}`,
    route: async (next) => {
      write(next);
      await nginx.reload();
    },
    stop: nginx.stop,
  };
}
