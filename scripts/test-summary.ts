// Prints the suite's closing line, "tests: N passed, N failed, N skipped", from Vitest's
// JSON report, so a reader (or CI) sees the totals at the very end.
import { readFileSync } from 'node:fs';

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
  numFailedTestSuites: number;
}

const file = process.argv[2] ?? 'artifacts/test-report.json';
let report: VitestReport;
try {
  report = JSON.parse(readFileSync(file, 'utf8')) as VitestReport;
} catch (error) {
  console.error(`No test report at ${file}: ${(error as Error).message}`);
  process.exit(1);
}
const skipped = report.numPendingTests + report.numTodoTests;
// A file whose setup (beforeAll) failed fails no test of its own: its tests count as skipped.
// Say so, or the line would read "0 failed" for a red run.
const brokenFiles =
  report.numFailedTestSuites > 0 ? `, ${report.numFailedTestSuites} suites failed` : '';
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped${brokenFiles}`,
);
if (report.numFailedTestSuites > 0 || report.numFailedTests > 0) process.exitCode = 1;
if (report.numPassedTests === 0) {
  console.error('No test ran.');
  process.exit(1);
}
