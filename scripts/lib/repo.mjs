import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root; scripts work from any cwd (npm runs them from the root anyway). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const inRepo = (...parts) => join(repoRoot, ...parts);

/**
 * Path of an installed npm binary. Used instead of `npx <name>` because npx falls back to the registry
 * when the binary is missing (and `npx tsc` would then find the unrelated "tsc" package).
 */
export const localBin = (name) => join(repoRoot, 'node_modules', '.bin', name);
