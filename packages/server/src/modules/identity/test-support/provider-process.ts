import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestAccount } from './test-provider.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ProviderProcess {
  issuer: string;
  /** Deletes an account at the provider, as a ministry's directory removes a leaver. */
  remove(login: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a real identity provider (oidc-provider) as a child process on loopback. `clockSkewSeconds` sets its clock
 * off by that much (its own process, so Parley's clock stays true): a provider whose clock is hours behind issues
 * ID tokens that expired long ago.
 */
export async function startProviderProcess(opts: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: TestAccount[];
  clockSkewSeconds?: number;
}): Promise<ProviderProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'provider-main.ts'), JSON.stringify(opts)],
    { cwd: here, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'test' } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  const early: string[] = [];
  lines.on('line', (l) => {
    const w = waiting.shift();
    if (w) w(l);
    else early.push(l);
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const e = early.shift();
      if (e !== undefined) return resolve(e);
      waiting.push(resolve);
      child.once('exit', (code) => reject(new Error(`identity provider exited (${code}): ${stderr.slice(-2000)}`)));
    });
  let issuer = '';
  for (;;) {
    const l = await nextLine();
    if (l.startsWith('issuer ')) {
      issuer = l.slice('issuer '.length);
      break;
    }
  }
  return {
    issuer,
    remove: async (login) => {
      child.stdin.write(`remove ${login}\n`);
      for (;;) if ((await nextLine()) === `removed ${login}`) return;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
