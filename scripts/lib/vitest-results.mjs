import { existsSync, readFileSync } from 'node:fs';

/**
 * Reads vitest JSON reports and turns them into the one-line summary CI and people look for:
 *   tests: N passed, N failed, N skipped
 * Counts come from numTotalTests/numPassedTests/numFailedTests; everything else (skipped, todo) is "skipped",
 * so the three numbers always add up to the total.
 */

/** Summary of one report; `problems` lists why the run must count as failed beyond failed tests. */
export function readReport(file, label = file) {
  if (!existsSync(file)) {
    return noCounts(label, 'vitest wrote no JSON report (crashed?)');
  }
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return noCounts(label, `unreadable JSON report: ${error.message}`);
  }
  const total = report.numTotalTests ?? 0;
  const passed = report.numPassedTests ?? 0;
  let failed = report.numFailedTests ?? 0;
  const skipped = Math.max(0, total - passed - failed);
  const problems = [];

  // A file that fails to load (syntax error, throwing import, failing beforeAll) has no failed *tests*;
  // count each such file as one failure so the summary line never says "0 failed" for a red run.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !file.assertionResults?.some((test) => test.status === 'failed'),
  );
  for (const file of brokenFiles) {
    failed += 1;
    problems.push(`${label}: ${file.name} failed outside any test: ${firstLine(file.message) || 'see output above'}`);
  }
  if (total === 0) problems.push(`${label}: no tests ran`);
  if (report.success === false && failed === 0 && total > 0) problems.push(`${label}: vitest reported failure`);
  return { label, passed, failed, skipped, problems };
}

function noCounts(label, problem) {
  return { label, passed: 0, failed: 0, skipped: 0, problems: [`${label}: ${problem}`] };
}

export function combine(summaries) {
  const sum = (key) => summaries.reduce((acc, summary) => acc + summary[key], 0);
  return {
    passed: sum('passed'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    problems: summaries.flatMap((summary) => summary.problems),
  };
}

export function formatCounts({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

export function isGreen(summary) {
  return summary.failed === 0 && summary.problems.length === 0;
}

function firstLine(text) {
  return (text ?? '').split('\n')[0].trim();
}
