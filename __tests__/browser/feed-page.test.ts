/**
 * A real browser: headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) loads a
 * page bundled from the built package for platform=browser (no Node shims), which streams trades
 * and the order book from the loopback Kiwoom and KIS servers over the browser's own WebSocket,
 * with credentials from the page's backend through the feeds' token / approval-key providers.
 * `npm test` builds dist/ first (`pretest`); `.ci/run` installs chromium when it is missing.
 */
import { AddressInfo } from 'net';
import * as http from 'http';
import * as path from 'path';
import { Page } from 'playwright-core';
import { KisServer, KiwoomServer, startKisServer, startKiwoomServer } from '../../src/testing';
import { kstInstant } from '../../src/brokers/kiwoom/mapping';
import { MarketEvent } from '../../src/model';
import { bundleForBrowser, launchChromium } from './support';

let kiwoomServer: KiwoomServer;
let kisServer: KisServer;
let site: http.Server;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let bundle: string;
const backendCalls = { token: 0, approval: 0 };

const html = `<!doctype html><meta charset="utf-8"><title>rx-market</title>
<p>status <span id="status">-</span></p><p id="book"></p><ul id="trades"></ul><pre id="errors"></pre>
<script type="module" src="/page.js"></script>`;

/** The backend's half: it holds the keys, asks the broker, hands the page only what it issued. */
function issue(url: string, body: object, field: string, res: http.ServerResponse): void {
  void fetch(url, { method: 'POST', headers: { 'content-type': 'application/json;charset=UTF-8' }, body: JSON.stringify(body) })
    .then((r) => r.json() as Promise<Record<string, string>>)
    .then(
      (j) => res.writeHead(200, { 'content-type': 'text/plain' }).end(j[field]),
      () => res.writeHead(502).end(),
    );
}

beforeAll(async () => {
  bundle = await bundleForBrowser(path.join(__dirname, 'page.mjs'));
  kiwoomServer = await startKiwoomServer({ pingIntervalMs: 0 });
  kisServer = await startKisServer({ pingIntervalMs: 0 });
  site = http.createServer((req, res) => {
    if (req.url === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (req.url === '/token') {
      backendCalls.token++;
      const env = kiwoomServer.env;
      return issue(
        `${kiwoomServer.restUrl}/oauth2/token`,
        { grant_type: 'client_credentials', appkey: env.KIWOOM_APPKEY, secretkey: env.KIWOOM_SECRETKEY },
        'token',
        res,
      );
    }
    if (req.url === '/approval') {
      backendCalls.approval++;
      return issue(
        `${kisServer.restUrl}/oauth2/Approval`,
        { grant_type: 'client_credentials', appkey: kisServer.appKey, secretkey: kisServer.appSecret },
        'approval_key',
        res,
      );
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
  await kiwoomServer?.close();
  await kisServer?.close();
});

const pageUrl = (query: string): string => `http://127.0.0.1:${(site.address() as AddressInfo).port}/?${query}`;

/** Three trades and a two-level book, as each server publishes them. */
function marketEvents(broker: 'kiwoom' | 'kis'): MarketEvent[] {
  const at = kstInstant(Date.parse('2026-11-20T09:01:01+09:00'));
  const trades = (
    [
      [60700, 500, 'buy'],
      [60800, 20, 'sell'],
      [60600, 7, 'buy'],
    ] as const
  ).map(([price, size, side]) => ({ kind: 'trade', broker, symbol: '005930', price, size, side, ...at, raw: {} }) as MarketEvent);
  const book = {
    kind: 'book',
    broker,
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
  } as MarketEvent;
  return [...trades, book];
}

/** What the page shows once three trades and a book arrived. */
async function shown(): Promise<{ trades: string[]; book: string | null; status: string | null; errors: string | null }> {
  // Evaluated in the page (a string: this file is type-checked without the DOM library).
  await page.waitForFunction(
    "document.querySelectorAll('#trades li').length === 3 && document.getElementById('book').textContent !== ''",
    undefined,
    { timeout: 30_000 },
  );
  return {
    trades: await page.locator('#trades li').allTextContents(),
    book: await page.locator('#book').textContent(),
    status: await page.locator('#status').textContent(),
    errors: await page.locator('#errors').textContent(),
  };
}

const expected = {
  trades: ['005930 buy 500@60700', '005930 sell 20@60800', '005930 buy 7@60600'],
  book: 'bids 200@60700 50@60600 | asks 120@60800 80@60900',
  status: 'open',
  errors: '',
};

it('the bundle needs no Node built-ins', () => {
  // esbuild fails on an unresolvable built-in for platform=browser; this also catches a require left in.
  expect(bundle).not.toMatch(/require\(["'](node:)?(fs|http|https|net|tls|crypto|zlib|stream|events|util|ws)["']\)/);
  expect(bundle.length).toBeGreaterThan(1000);
});

it('streams trades and the order book from the loopback Kiwoom server, with a token from the backend', async () => {
  await page.goto(pageUrl(`broker=kiwoom&ws=${encodeURIComponent(kiwoomServer.wsUrl)}`));
  await kiwoomServer.waitFor(
    () => kiwoomServer.registrations().includes('0B|005930') && kiwoomServer.registrations().includes('0D|005930'),
    30_000,
  );
  expect(kiwoomServer.loggedIn()).toBe(1);
  for (const event of marketEvents('kiwoom')) kiwoomServer.publish(event);
  expect(await shown()).toEqual(expected);
  expect(backendCalls.token).toBe(1);
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined'); // no shim injected
}, 60_000);

it('streams trades and the order book from the loopback KIS server, with an approval key from the backend', async () => {
  await page.goto(pageUrl(`broker=kis&ws=${encodeURIComponent(kisServer.wsUrl)}`));
  await kisServer.waitFor((s) => s.registrations().flat().length >= 2 && s.subscribedSymbols().includes('005930'), 30_000);
  for (const event of marketEvents('kis')) kisServer.publish(event);
  expect(await shown()).toEqual(expected);
  expect(backendCalls.approval).toBe(1);
  // Every registration carried the key the backend issued, never an app key.
  expect(kisServer.requests.length).toBeGreaterThanOrEqual(2);
  expect(kisServer.requests.every((r) => r.approvalKey !== '' && r.approvalKey !== kisServer.appKey)).toBe(true);
}, 60_000);

it('a feed without credentials, or asking the browser build for REST, fails with a config FeedError, not a ReferenceError', async () => {
  await page.goto(pageUrl('broker=none'));
  await page.waitForFunction("typeof window.badInput === 'function'", undefined, { timeout: 30_000 });
  // A string: this file is type-checked without the DOM library.
  // kiwoom(), kiwoom({}), a token that is no function, kis({}), and REST asked of the browser build.
  expect(await page.evaluate('window.badInput()')).toEqual(Array(5).fill('FeedError config'));
}, 60_000);
