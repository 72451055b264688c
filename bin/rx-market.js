#!/usr/bin/env node
'use strict';
// The CLI is built into dist/cli.js by `npm install` / `npm ci` (the `prepare` script runs tsup).
const { main } = require('../dist/cli.js');

main(process.argv.slice(2)).then(
  (code) => exit(code),
  (err) => {
    process.stderr.write(`rx-market: ${err && err.message ? err.message : err}\n`);
    exit(1);
  },
);

// Exit once stdout is flushed, so piped NDJSON is never cut short and no lingering timer keeps us alive.
function exit(code) {
  process.stdout.write('', () => process.exit(code));
}
