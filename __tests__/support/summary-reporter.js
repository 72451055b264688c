'use strict';
/**
 * Prints one plain closing line, "N passed, N failed[, N skipped]", as the very last line of a
 * jest run (after jest's own summary), so any CI that reads test counts from output understands it.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    // jest prints "Ran all test suites" after the reporters; stderr writes at exit are synchronous.
    process.once('exit', () => process.stderr.write(`${line}\n`));
  }
}
module.exports = SummaryReporter;
