import readline from 'node:readline';
import type { TestAccount } from './test-provider.js';

/**
 * A government's identity provider as its own process: a real oidc-provider on loopback. Its options come as JSON in
 * argv[2]; it prints `issuer <url>` once listening. On stdin, `remove <login>` deletes an account (deprovisioning
 * at the provider) and answers `removed <login>`.
 */
const opts = JSON.parse(process.argv[2]!) as {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  accounts: TestAccount[];
  clockSkewSeconds?: number;
};
if (opts.clockSkewSeconds) {
  const trueNow = Date.now;
  const skew = opts.clockSkewSeconds * 1000;
  Date.now = () => trueNow() + skew;
}
// Imported after the clock is set, so every timestamp the provider takes is off by the skew.
const { startTestProvider } = await import('./test-provider.js');
const provider = await startTestProvider(opts);
process.stdout.write(`issuer ${provider.issuer}\n`);
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [cmd, login] = line.trim().split(/\s+/);
  if (cmd === 'remove' && login) {
    provider.accounts.delete(login);
    process.stdout.write(`removed ${login}\n`);
  }
}
await provider.close();
