import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const pinned = fs.readFileSync(path.join(repoRoot, '.node-version'), 'utf8').trim();
const runtimeModule = pathToFileURL(path.join(repoRoot, 'scripts/lib/node-runtime.mjs')).href;

/** The machine's own Node, when it is older than the pinned major (Debian's /usr/bin/node on such a machine). */
function olderSystemNode(): string | undefined {
  const candidate = '/usr/bin/node';
  if (!fs.existsSync(candidate)) return undefined;
  const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
  return Number(version.slice(1).split('.')[0]) < Number(pinned.split('.')[0]) ? candidate : undefined;
}

const oldNode = olderSystemNode();

describe('the project-local Node runtime', () => {
  it.skipIf(!oldNode)('runs a script started by an older Node under the pinned Node, children included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-runtime-'));
    try {
      const script = path.join(dir, 'probe.mjs');
      fs.writeFileSync(
        script,
        [
          `import { execFileSync } from 'node:child_process';`,
          `import { useProjectNode } from '${runtimeModule}';`,
          `await useProjectNode();`,
          // A child found through PATH, as npm, tsc, vite and vitest's workers are.
          `const child = execFileSync('node', ['-p', 'process.version'], { encoding: 'utf8' }).trim();`,
          `console.log(JSON.stringify({ self: process.version, child, args: process.argv.slice(2) }));`,
          `process.exitCode = 3;`,
        ].join('\n'),
      );
      // PATH without the runtime: as a person's shell on that machine has it.
      const env = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };
      let result: { status: number | null; stdout: string; stderr: string };
      try {
        execFileSync(oldNode!, [script, 'a b', '--flag'], { env, encoding: 'utf8', stdio: 'pipe' });
        throw new Error('the probe should have exited with status 3');
      } catch (err) {
        result = err as typeof result;
      }
      expect(result.status).toBe(3);
      expect(JSON.parse(result.stdout)).toEqual({ self: `v${pinned}`, child: `v${pinned}`, args: ['a b', '--flag'] });
      expect(result.stderr).toMatch(new RegExp(`older than \\d+: running under Node ${pinned.replaceAll('.', '\\.')}`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
