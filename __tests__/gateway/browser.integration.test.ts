/// <reference lib="dom" />
/**
 * The gateway in a real browser: headless Chromium (Debian's chromium via playwright-core, the
 * browser test's harness) loads a page bundled from the built `rx-market/nats` for browsers; the
 * page streams trades and a book from the loopback Kiwoom server through the gateway and
 * nats-server's WebSocket listener, logged in as the `consumer` NATS user.
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { Page } from 'playwright-core';
import { startKiwoomServer, KiwoomServer } from '../../src/app/servers/kiwoom/server';
import { launchChromium } from '../browser/support';
import { bundleForBrowser } from './support/browser';
import { NatsServer, startNatsServer } from './support/nats-server';
import { book, kiwoomGateway, trade, until } from './support/helpers';

jest.setTimeout(60_000);

let nats: NatsServer;
let server: KiwoomServer;
let gw: Awaited<ReturnType<typeof kiwoomGateway>>;
let site: http.Server;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let bundle: string;

const html = `<!doctype html><meta charset="utf-8"><title>rx-market gateway</title>
<p>status <span id="status">-</span></p><p id="book"></p><ul id="trades"></ul><pre id="errors"></pre>
<script type="module" src="/page.js"></script>`;

beforeAll(async () => {
  bundle = await bundleForBrowser(path.join(__dirname, 'support', 'nats-page.mjs'));
  nats = await startNatsServer();
  server = await startKiwoomServer({ pingIntervalMs: 0 });
  gw = await kiwoomGateway(nats, server);
  site = http.createServer((req, res) => {
    if (req.url === '/page.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium();
  page = await browser.context.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await gw?.stop();
  await server?.close();
  await nats?.stop();
  await new Promise((r) => setTimeout(r, 1_500));
});

it('the page bundle has no Node module and no broker secret', () => {
  expect(bundle).not.toMatch(/require\(["'](node:)?(fs|http|https|net|tls|crypto|zlib|stream|events|util|ws)["']\)/);
  expect(bundle).not.toMatch(/transport-node/);
  expect(bundle).not.toContain(server.env.KIWOOM_SECRETKEY);
});

it('streams trades and the current book through the gateway over WebSocket', async () => {
  // A book kept before the page exists: the page gets it first, then updates.
  const { natsFeed } = await import('../../src/nats');
  const warm = natsFeed({ servers: nats.url, broker: 'kiwoom', user: nats.consumer.user, pass: nats.consumer.pass });
  const kept: unknown[] = [];
  const sub = warm.orderBook$('005930').subscribe((b) => kept.push(b));
  await until(() => server.registrations().includes('0D|005930'), 'the book key');
  server.publish(book('005930', 60_600, 60_800));
  await until(() => kept.length === 1, 'the book in the gateway');

  const port = (site.address() as AddressInfo).port;
  const q = new URLSearchParams({ ws: nats.wsUrl, user: nats.consumer.user, pass: nats.consumer.pass });
  await page.goto(`http://127.0.0.1:${port}/?${q}`);
  await page.waitForFunction(() => document.getElementById('book')!.textContent !== '', undefined, { timeout: 30_000 });
  expect(await page.locator('#book').textContent()).toBe('bids 10@60600 | asks 20@60800');
  sub.unsubscribe();
  warm.close();

  await until(() => server.registrations().includes('0B|005930'), 'the trade key, asked for by the page');
  await new Promise((r) => setTimeout(r, 200));
  for (const [price, size] of [
    [60_700, 500],
    [60_800, 20],
    [60_600, 7],
  ])
    server.publish(trade('005930', price, size));
  server.publish(book('005930', 60_700, 60_900));
  await page.waitForFunction(() => document.querySelectorAll('#trades li').length === 3, undefined, { timeout: 30_000 });
  expect(await page.locator('#trades li').allTextContents()).toEqual(['005930 buy 500@60700', '005930 buy 20@60800', '005930 buy 7@60600']);
  await page.waitForFunction(() => document.getElementById('book')!.textContent!.startsWith('bids 10@60700'), undefined, {
    timeout: 30_000,
  });
  expect(await page.locator('#status').textContent()).toBe('open');
  expect(await page.locator('#errors').textContent()).toBe('');
});
