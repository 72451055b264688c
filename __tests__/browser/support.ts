import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { build } from 'esbuild';
import { BrowserContext, chromium } from 'playwright-core';

const root = path.join(__dirname, '..', '..');

/**
 * Bundles `entry` for browsers as an app would: `rx-market` resolved to the built package (its
 * `exports`, `browser` condition) through a node_modules link, no Node shims, nothing external.
 * The entry is copied out of the repository first: inside it, esbuild would follow tsconfig.json's
 * `paths` to src/ and measure the sources instead of the package.
 */
export async function bundleForBrowser(entry: string, options: { external?: string[]; minify?: boolean } = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-market-browser-'));
  try {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'rx-market'), 'dir');
    const copy = path.join(dir, path.basename(entry));
    fs.copyFileSync(entry, copy);
    const result = await build({
      entryPoints: [copy],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      minify: options.minify ?? false,
      external: options.external ?? [],
      nodePaths: [path.join(root, 'node_modules')],
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0].text;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Debian's Chromium (`.ci/run` installs it; no browser download). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/**
 * Headless Chromium with a fresh profile (its --user-data-dir, removed by `close`), no sandbox (CI
 * runs as root), and no background traffic to the closed network.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rx-market-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
