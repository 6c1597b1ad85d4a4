#!/usr/bin/env node
// Usage: node scripts/test-summary.mjs [label=]report.json...
// Combines several vitest JSON reports (e.g. the PGlite and PostgreSQL passes in .ci/run) into one final line
// `tests: N passed, N failed, N skipped`; exits non-zero if any run failed, is missing, or ran no tests.
import { combine, formatCounts, isGreen, readReport } from './lib/vitest-results.mjs';

const reports = process.argv.slice(2).map((arg) => {
  const separator = arg.indexOf('=');
  return separator > 0 ? readReport(arg.slice(separator + 1), arg.slice(0, separator)) : readReport(arg);
});
if (reports.length === 0) {
  console.error('usage: node scripts/test-summary.mjs [label=]report.json...');
  process.exit(2);
}
for (const report of reports) console.log(`${report.label}: ${formatCounts(report)}`);
const total = combine(reports);
for (const problem of total.problems) console.log(`FAILED: ${problem}`);
console.log(`tests: ${formatCounts(total)}`);
process.exitCode = isGreen(total) ? 0 : 1;
