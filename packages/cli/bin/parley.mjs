#!/usr/bin/env node
// On a Node older than 22 (e.g. `npx parley` on a machine with Node 20) this runs itself again under the
// project-local Node 22 that `npm start` / `npm test` install into .runtime/ (installing it if need be).
import { useProjectNode } from '../../../scripts/lib/node-runtime.mjs';

await useProjectNode();
const { main } = await import('../dist/index.js');

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`parley: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
