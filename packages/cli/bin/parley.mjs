#!/usr/bin/env node
import { main } from '../dist/index.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`parley: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
