import { existsSync } from 'node:fs';
import { info } from './log.mjs';
import { inRepo, localBin } from './repo.mjs';
import { runOrThrow } from './run.mjs';

const VITE_CONFIGS = ['vite.config.ts', 'vite.config.mts', 'vite.config.js', 'vite.config.mjs'];

/** Compiles the TypeScript packages (project references) and, once the web app exists, bundles it. */
export async function buildAll() {
  await runOrThrow(localBin('tsc'), ['-b'], { stdin: 'ignore' });
  if (VITE_CONFIGS.some((name) => existsSync(inRepo('packages', 'web', name)))) {
    await runOrThrow('npm', ['run', 'build', '-w', '@parley/web'], { stdin: 'ignore' });
  } else {
    info('packages/web has no vite config yet: skipping the web build');
  }
}
