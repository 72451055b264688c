/**
 * A Kiwoom loopback server that, on "flood" (a line on stdin), stops reading every client socket
 * and sends PING heartbeats (1 KiB each) as fast as its own send queue allows: the peer that
 * floods pings while not reading, of issue 12. Prints `{"env":{...}}` once listening.
 *
 *   tsx bench/flood-server.ts
 */
import { createInterface } from 'readline';
import { WebSocket } from 'ws';
import { startKiwoomServer } from '../src/app/servers/kiwoom/server';

const sockets = new Set<WebSocket>();
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<WebSocket['send']>) {
  sockets.add(this);
  return send.apply(this, args);
} as WebSocket['send'];

async function main(): Promise<void> {
  const server = await startKiwoomServer({ pingIntervalMs: 0 });
  process.stdout.write(`${JSON.stringify({ env: server.env })}\n`);
  const ping = JSON.stringify({ trnm: 'PING', pad: 'x'.repeat(1000) });
  let flooding = false;
  let sent = 0;
  const pump = (): void => {
    if (!flooding) return;
    for (const s of sockets) {
      if (s.readyState !== WebSocket.OPEN) {
        sockets.delete(s);
        continue;
      }
      // Not reading: what the client sends back piles up in its own buffers.
      (s as unknown as { _socket: { pause(): void } })._socket.pause();
      for (let i = 0; i < 200 && s.bufferedAmount < 1 << 20; i++) {
        s.send(ping);
        sent++;
      }
    }
    setImmediate(pump);
  };
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'flood') {
      flooding = true;
      pump();
    } else if (line === 'count') process.stdout.write(`${JSON.stringify({ sent })}\n`);
  }
  process.exit(0);
}

void main();
