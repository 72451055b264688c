#!/usr/bin/env node
'use strict';
/* global setInterval */
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
// A reader that stopped reading would keep us waiting for ever: give up once stdout has made no
// progress for 2 s (the command has already said why on stderr).
function exit(code) {
  process.stdout.write('', () => process.exit(code));
  let queued = process.stdout.writableLength;
  setInterval(() => {
    const now = process.stdout.writableLength;
    if (now >= queued) process.exit(code);
    queued = now;
  }, 2_000).unref();
}
