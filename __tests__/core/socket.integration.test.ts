import { createHash } from 'crypto';
import { AddressInfo, Server, Socket, createServer } from 'net';
import { NEVER, Subscription } from 'rxjs';
import { webSocketFactory } from '../../src/core/socket';
import { until } from '../support/toy-server';

/**
 * A peer that completes the WebSocket handshake and then never says another word: it does not
 * answer the close frame either, as a dead host behind a live NAT or a hung process behaves.
 */
class SilentPeer {
  readonly sockets: Socket[] = [];
  readonly closed: Socket[] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<SilentPeer> {
    const server = createServer();
    const peer = new SilentPeer(server);
    server.on('connection', (socket) => {
      peer.sockets.push(socket);
      socket.on('close', () => peer.closed.push(socket));
      socket.on('error', () => undefined);
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
        const accept = createHash('sha1')
          .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
          .digest('base64');
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        socket.on('data', () => undefined); // reads everything, answers nothing (not even close)
      };
      socket.on('data', onData);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/feed`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('webSocketFactory', () => {
  let peer: SilentPeer;
  beforeEach(async () => {
    peer = await SilentPeer.start();
  });
  afterEach(() => peer.close());

  it('lets go of a socket whose peer never answers the close frame, after closeTimeoutMs', async () => {
    const open = webSocketFactory({ closeTimeoutMs: 50 });
    const subs = new Subscription();
    let opened = false;
    subs.add(
      open(peer.url).subscribe({
        next: (responses) => {
          opened = true;
          subs.add(responses(NEVER).subscribe({ error: () => undefined }));
        },
        error: () => undefined,
      }),
    );
    await until(() => opened, 3000, 'the socket to open');
    subs.unsubscribe(); // the last subscriber leaves: close frame sent, never answered
    await until(() => peer.closed.length === 1, 3000, 'the client to drop the unanswered socket');
  });
});
