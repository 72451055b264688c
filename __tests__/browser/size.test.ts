/**
 * The size budget: `import { kiwoom } from 'rx-market'` + `bars` from 'rx-market/operators',
 * bundled from the built package for browsers with esbuild (minified, rxjs external), at most
 * 40 kB gzip. The figure is printed (also by `npm run size`).
 */
import * as path from 'path';
import { gzipSync } from 'zlib';
import { bundleForBrowser } from './support';

// The budget. The browser build (exports "browser" condition) leaves REST out, see
// src/feed/rest-absent.ts.
const BUDGET_BYTES = 40_000;

it(`Kiwoom feed + bars is at most ${BUDGET_BYTES / 1000} kB gzip (rxjs external)`, async () => {
  const code = await bundleForBrowser(path.join(__dirname, 'budget-entry.mjs'), { external: ['rxjs'], minify: true });
  const gzip = gzipSync(code, { level: 9 }).length;
  process.stdout.write(
    `size budget: Kiwoom feed + bars = ${(code.length / 1000).toFixed(1)} kB minified, ${(gzip / 1000).toFixed(1)} kB gzip (budget ${BUDGET_BYTES / 1000} kB)\n`,
  );
  expect(code).toMatch(/from\s*"rxjs"/); // rxjs stays the app's own copy
  expect(code).not.toMatch(/startKiwoomServer|WebSocketServer|terminal-kit|commander/); // no app, server or CLI code
  expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
});
