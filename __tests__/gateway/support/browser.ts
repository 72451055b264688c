/**
 * The gateway page's bundle, as the browser test's harness (../../browser/support.ts, which also
 * launches Chromium) bundles pages: from the BUILT package through a node_modules link, `browser`
 * conditions, no Node shims — and without the repo's tsconfig paths, which would point
 * `rx-market/nats` at src/nats/index.ts (the Node entry) instead of the package's browser entry.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';

const root = path.join(__dirname, '..', '..', '..');

export async function bundleForBrowser(entry: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-market-gw-browser-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'rx-market'), 'dir');
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      nodePaths: [path.join(dir, 'node_modules')],
      // The package as published, not the repo's tsconfig paths (which point rx-market/* at src/).
      tsconfigRaw: {},
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0].text;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
