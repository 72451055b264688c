/** The loopback base: CORS for browser development, on the REST endpoints the servers serve. */
import { startKiwoomServer, startKisServer } from '../../src/testing';
import { exportedEnv, runCli } from '../replay/support/cli';

async function preflight(url: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
}

describe('loopback servers and CORS', () => {
  it('without cors: no preflight answer, no allow-origin header', async () => {
    const server = await startKiwoomServer({ pingIntervalMs: 0 });
    try {
      expect((await preflight(`${server.restUrl}/oauth2/token`)).status).toBe(404);
      const res = await fetch(`${server.restUrl}/oauth2/token`, { method: 'POST', body: '{}' });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('with cors: preflights answered 204 with what was asked, REST answers allow any origin', async () => {
    const kiwoom = await startKiwoomServer({ pingIntervalMs: 0, cors: true });
    const kis = await startKisServer({ pingIntervalMs: 0, cors: true });
    try {
      for (const url of [`${kiwoom.restUrl}/oauth2/token`, `${kis.restUrl}/oauth2/Approval`]) {
        const res = await preflight(url);
        expect(res.status).toBe(204);
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
        expect(res.headers.get('access-control-allow-headers')).toBe('content-type');
      }
      const token = await fetch(`${kiwoom.restUrl}/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:4200' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          appkey: kiwoom.env.KIWOOM_APPKEY,
          secretkey: kiwoom.env.KIWOOM_SECRETKEY,
        }),
      });
      expect(token.headers.get('access-control-allow-origin')).toBe('*');
      expect(await token.json()).toMatchObject({ return_code: 0 });
      const approval = await fetch(`${kis.restUrl}/oauth2/Approval`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', appkey: kis.appKey, secretkey: kis.appSecret }),
      });
      expect(approval.headers.get('access-control-allow-origin')).toBe('*');
      expect(((await approval.json()) as { approval_key?: string }).approval_key).toBeDefined();
    } finally {
      await Promise.all([kiwoom.close(), kis.close()]);
    }
  });

  it('rx-market sim --cors serves the simulator with CORS on', async () => {
    const sim = runCli(['sim', '--broker', 'kis', '--cors', '--duration', '3']);
    const env = exportedEnv((await sim.waitFor(/KIS_WS_URL=\S+\n/)).input!);
    const res = await preflight(`${env.KIS_REST_URL}/oauth2/Approval`);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await sim.exited).toBe(0);
  }, 20_000);
});
