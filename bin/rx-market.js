#!/usr/bin/env node
'use strict';
// The CLI is compiled to dist/ by `npm install` (the `prepare` script).
require('../dist/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`rx-market: ${err && err.message ? err.message : err}\n`); process.exitCode = 1; },
);
