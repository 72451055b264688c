/**
 * The browser part of the gateway test, in the style of the browser test's harness: a page
 * bundled by esbuild from the BUILT package (as an app bundles it: `rx-market` resolved through a
 * node_modules link, `browser` conditions, no Node shims) and Debian's headless Chromium driven by
 * playwright-core (no browser download; `.ci/run` installs chromium when it is missing).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import { BrowserContext, chromium } from 'playwright-core';

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

export function chromiumPath(): string {
  const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(p)) throw new Error(`no Chromium at ${p}: run \`apt-get install -y chromium\` (.ci/run installs it)`);
  return p;
}

/** Headless Chromium with a fresh profile, no sandbox (CI runs as root), no background traffic. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-market-gw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
