// Runs bench/*.bench.ts one after another, prints a table and writes bench/results.json.
// Usage (via `npm run bench [-- filter...]`): tsx --conditions=source bench/run-all.ts [filter...]
// A filter keeps the files whose name contains it. Each bench runs in its own process so a crash, a stray
// handle or a polluted heap in one bench neither stops nor skews the others.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchModule, BenchResult } from './types.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const ONE = '--one'; // internal: run a single bench file and write its results to a JSON file

if (process.argv[2] === ONE) {
  await runOne(process.argv[3]!, process.argv[4]!);
} else {
  process.exitCode = await runAll(process.argv.slice(2));
}

async function runAll(filters: string[]): Promise<number> {
  const files = (await readdir(benchDir))
    .filter((name) => name.endsWith('.bench.ts'))
    .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
    .sort();
  if (files.length === 0) {
    console.error(`no bench/*.bench.ts file${filters.length > 0 ? ` matches ${filters.join(', ')}` : ' found'}`);
    return 1;
  }

  const results: BenchResult[] = [];
  const failures: string[] = [];
  const scratch = await mkdtemp(join(tmpdir(), 'parley-bench-'));
  try {
    for (const file of files) {
      console.log(`\n=== bench: ${file} ===`);
      const output = join(scratch, `${file}.json`);
      const status = await runChild(join(benchDir, file), output);
      if (status === 0) results.push(...(JSON.parse(await readFile(output, 'utf8')) as BenchResult[]));
      else failures.push(`${file} (exit status ${status})`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  console.log(`\n${formatTable(results)}`);
  await writeFile(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${results.length} result(s) to bench/results.json`);
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  return failures.length === 0 ? 0 : 1;
}

/** Re-runs this script with the same node flags (tsx loader, --conditions=source) in --one mode. */
function runChild(file: string, output: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ONE, file, output], {
      stdio: 'inherit',
    });
    child.on('error', (error) => {
      console.error(error);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(signal ? 1 : (code ?? 1)));
  });
}

async function runOne(file: string, output: string): Promise<void> {
  try {
    const bench = (await import(pathToFileURL(file).href)) as Partial<BenchModule>;
    if (typeof bench.run !== 'function') throw new Error(`${basename(file)} does not export run()`);
    const results = await bench.run();
    assertResults(results);
    await writeFile(output, JSON.stringify(results));
    // Exit explicitly: a bench may leave timers, workers or sockets open.
    process.exit(0);
  } catch (error) {
    console.error(`bench ${basename(file)} failed:`, error);
    process.exit(1);
  }
}

function assertResults(results: unknown): asserts results is BenchResult[] {
  if (!Array.isArray(results)) throw new Error('run() must resolve to an array of BenchResult');
  for (const result of results as Record<string, unknown>[]) {
    const bad = [
      ...['name', 'unit', 'target'].filter((key) => typeof result?.[key] !== 'string'),
      // JSON cannot carry NaN/Infinity, and results.json must stay faithful.
      ...['value', 'baseline', 'ratio'].filter((key) => !Number.isFinite(result?.[key])),
    ];
    if (bad.length > 0) throw new Error(`invalid BenchResult (${bad.join(', ')}): ${JSON.stringify(result)}`);
  }
}

function formatTable(results: BenchResult[]): string {
  const number = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
  const rows = [
    ['figure', 'value', 'baseline', 'ratio', 'target'],
    ...results.map((r) => [
      r.name,
      `${number.format(r.value)} ${r.unit}`,
      `${number.format(r.baseline)} ${r.unit}`,
      `${number.format(r.ratio)}x`,
      r.target,
    ]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('-|-');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}
