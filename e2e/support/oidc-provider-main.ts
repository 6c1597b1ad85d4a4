import readline from 'node:readline';
import {
  startTestProvider,
  type TestAccount,
} from '../../packages/server/src/modules/identity/test-support/test-provider.js';

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
};
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
