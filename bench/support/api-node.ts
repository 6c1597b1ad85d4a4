// One Parley node as its own process, for the multi-node API bench: config from the environment (DATABASE_URL,
// REDIS_URL, NODE_ID, PORT, PUBLIC_URL, SECRETS_KEY), no Janus, no web root. Prints "listening <port>" when ready
// and closes on SIGTERM. The bench's parent has already migrated the database.
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../packages/server/src/app.js';
import { loadConfig } from '../../packages/server/src/config.js';
import { openDatabase } from '../../packages/server/src/db/client.js';

const config = loadConfig({ ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, { webRoot: '/nonexistent' });
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: null });
const { app } = await buildApp({ config, database, logger: false });
await app.ready();
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log(`listening ${(app.server.address() as AddressInfo).port}`);
process.once('SIGTERM', async () => {
  await app.close().catch(() => {});
  await database.close().catch(() => {});
  process.exit(0);
});
