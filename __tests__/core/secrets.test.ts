/** Secrets never reach errors, frames$ or recordings: escaped spellings, clipping, derived signatures, file modes. */
import { mkdtempSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { firstValueFrom, Subscription, timeout } from 'rxjs';
import { FeedError } from '../../src/core/errors';
import { RAW_CLIP, redact, redactError } from '../../src/core/redact';
import { ReceivedFrame } from '../../src/core/session-types';
import { weex } from '../../src/brokers/weex/feed';
import { startWeexServer } from '../../src/app/servers/weex/server';
import { KisServer } from '../../src/app/servers/kis/server';
import { createRecordingWriter } from '../../src/app/replay/writer';
import { recordingHeader } from '../../src/app/replay/format';
import { feedFor } from '../kis/support';

describe('redact', () => {
  it('masks a token written JSON-escaped (\\/), quoted or as \\u escapes', () => {
    const token = 'abc/def+ghi/Zk9é';
    const frame = JSON.stringify({ token }).replace(/\//g, '\\/');
    expect(frame).toContain('abc\\/def');
    expect(redact(frame, [token])).not.toMatch(/def\+ghi/);
    const ascii = '{"t":"abc\\/def+ghi\\/Zk9\\u00e9"}';
    expect(redact(ascii, [token])).toBe('{"t":"***"}');
    expect(redact(`x ${token} y`, [token])).toBe('x *** y');
  });

  it('redacts before clipping: a token across the clip boundary is masked, not cut', () => {
    const token = 'SECRET-TOKEN-0123456789';
    const raw = 'x'.repeat(RAW_CLIP - 5) + token + 'y'.repeat(100);
    const err = redactError(new FeedError({ kind: 'decode', message: 'bad', raw }), [token]);
    expect(err.raw).not.toContain('SECRET');
    expect(err.raw!.length).toBeLessThanOrEqual(RAW_CLIP + 1);
    // Without secrets a long raw frame is still clipped.
    expect(redactError(new FeedError({ kind: 'decode', message: 'bad', raw }), []).raw!.length).toBe(RAW_CLIP + 1);
  });
});

describe('secrets on live feeds', () => {
  let subs: Subscription;
  beforeEach(() => (subs = new Subscription()));
  afterEach(() => subs.unsubscribe());

  it('WEEX: the ACCESS-SIGN a 401 body echoes is never printed', async () => {
    const server = await startWeexServer({ echoSignature: true });
    try {
      // A wrong secret: the server refuses the upgrade; make its body echo the signature sent.
      const feed = weex(
        {
          apiKey: server.env.WEEX_API_KEY,
          secretKey: 'wrong-secret-123',
          passphrase: server.env.WEEX_PASSPHRASE,
          privateUrl: server.privateUrl,
        },
        { backoff: { initialMs: 10, maxMs: 10, maxAttempts: 1 } },
      );
      const error = (await firstValueFrom(feed.orders$().pipe(timeout(5_000))).catch((e: unknown) => e)) as FeedError;
      expect(error).toBeInstanceOf(FeedError);
      const sent = server.upgrades.find((u) => u.path === '/v3/ws/private')!.headers['access-sign']!;
      expect(sent.length).toBeGreaterThan(8);
      expect(`${error.message} ${error.raw ?? ''}`).not.toContain(sent);
      expect(`${error.message}`).toMatch(/401/);
      // The body was there and said more: only the signature is masked.
      expect(error.message).toMatch(/\*\*\*/);
    } finally {
      await server.close();
    }
  });

  it('KIS: frames$ never holds the AES key and iv of the notice subscription', async () => {
    const server = await KisServer.start();
    try {
      const feed = feedFor(server);
      const frames: ReceivedFrame[] = [];
      subs.add(feed.frames$.subscribe((f) => frames.push(f)));
      subs.add(feed.orders$().subscribe());
      const deadline = Date.now() + 5_000;
      while (server.ciphers.length === 0 || frames.length === 0) {
        if (Date.now() > deadline) throw new Error('no subscribe reply');
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 50));
      const { key, iv } = server.ciphers[0];
      const all = frames.map((f) => f.frame).join('\n');
      expect(all).toMatch(/\*\*\*/);
      expect(all).not.toContain(key);
      expect(all).not.toContain(iv);
    } finally {
      await server.close();
    }
  });
});

describe('recording files', () => {
  it('are created 0600, and an existing file is made 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rx-rec-'));
    const fresh = join(dir, 'a.ndjson.gz');
    const old = join(dir, 'b.ndjson.gz');
    writeFileSync(old, '', { mode: 0o644 });
    for (const path of [fresh, old]) {
      const w = createRecordingWriter(path, recordingHeader({ broker: 'kis', stream: 'trades', symbols: [] }, 0));
      await w.opened;
      await w.close();
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
  });
});
