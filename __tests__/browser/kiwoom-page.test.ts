/**
 * A real browser: headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) loads a
 * page bundled from the built package for platform=browser (no Node shims), which streams trades
 * and the order book from the loopback Kiwoom server over the browser's own WebSocket.
 * `npm test` builds dist/ first (`pretest`); `.ci/run` installs chromium when it is missing.
 */
import { AddressInfo } from 'net';
import * as http from 'http';
import * as path from 'path';
import { Page } from 'playwright-core';
import { KiwoomServer, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';
import { bundleForBrowser, launchChromium } from './support';

let server: KiwoomServer;
let site: http.Server;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let bundle: string;

const html = `<!doctype html><meta charset="utf-8"><title>rx-market</title>
<p>status <span id="status">-</span></p><p id="book"></p><ul id="trades"></ul><pre id="errors"></pre>
<script type="module" src="/page.js"></script>`;

beforeAll(async () => {
  bundle = await bundleForBrowser(path.join(__dirname, 'page.mjs'));
  server = await startKiwoomServer({ pingIntervalMs: 0 });
  // The app's own backend: it holds the keys and hands the page a token.
  site = http.createServer((req, res) => {
    if (req.url === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (req.url === '/token') {
      void fetch(`${server.restUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          appkey: server.env.KIWOOM_APPKEY,
          secretkey: server.env.KIWOOM_SECRETKEY,
        }),
      })
        .then((r) => r.json() as Promise<{ token: string }>)
        .then(
          (j) => res.writeHead(200, { 'content-type': 'text/plain' }).end(j.token),
          () => res.writeHead(502).end(),
        );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await server?.close();
});

it('the bundle needs no Node built-ins', () => {
  // esbuild fails on an unresolvable built-in for platform=browser; this also catches a require left in.
  expect(bundle).not.toMatch(/require\(["'](node:)?(fs|http|https|net|tls|crypto|zlib|stream|events|util|ws)["']\)/);
  expect(bundle.length).toBeGreaterThan(1000);
});

it('streams trades and the order book from the loopback Kiwoom server', async () => {
  const port = (site.address() as AddressInfo).port;
  await page.goto(`http://127.0.0.1:${port}/?ws=${encodeURIComponent(server.wsUrl)}`);
  await server.waitFor(() => server.registrations().includes('0B|005930') && server.registrations().includes('0D|005930'), 30_000);
  expect(server.loggedIn()).toBe(1);
  const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
  for (const [price, size, side] of [
    [60700, 500, 'buy'],
    [60800, 20, 'sell'],
    [60600, 7, 'buy'],
  ] as const) {
    server.publish({ kind: 'trade', broker: 'kiwoom', symbol: '005930', price, size, side, ...at, raw: {} });
  }
  server.publish({
    kind: 'book',
    broker: 'kiwoom',
    symbol: '005930',
    asks: [
      { price: 60800, size: 120 },
      { price: 60900, size: 80 },
    ],
    bids: [
      { price: 60700, size: 200 },
      { price: 60600, size: 50 },
    ],
    ...at,
    raw: {},
  });
  // Evaluated in the page (a string: this file is type-checked without the DOM library).
  await page.waitForFunction(
    "document.querySelectorAll('#trades li').length === 3 && document.getElementById('book').textContent !== ''",
    undefined,
    { timeout: 30_000 },
  );
  expect(await page.locator('#trades li').allTextContents()).toEqual([
    '005930 buy 500@60700',
    '005930 sell 20@60800',
    '005930 buy 7@60600',
  ]);
  expect(await page.locator('#book').textContent()).toBe('bids 200@60700 50@60600 | asks 120@60800 80@60900');
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined'); // no shim injected
  expect(await page.locator('#status').textContent()).toBe('open');
  expect(await page.locator('#errors').textContent()).toBe('');
}, 60_000);
