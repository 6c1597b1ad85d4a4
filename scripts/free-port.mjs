#!/usr/bin/env node
// Usage: node scripts/free-port.mjs [first-port] — prints the first port from first-port (default 54329) on
// that nothing listens on 127.0.0.1, trying 200 ports. Used by .ci/run for its private PostgreSQL cluster.
import { createServer } from 'node:net';

const first = Number(process.argv[2] ?? 54329);

function isFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

for (let port = first; port < first + 200 && port < 65536; port++) {
  if (await isFree(port)) {
    console.log(port);
    process.exit(0);
  }
}
console.error(`no free port in ${first}..${first + 199}`);
process.exit(1);
