/**
 * A TCP proxy for outages in integration tests: it forwards to a loopback server until `cut()`,
 * which destroys every open connection and refuses new ones (accepted, then closed at once)
 * until `restore()`. Only the socket goes through it; REST calls go to the server directly, as
 * when a WebSocket path is blocked but HTTPS still works.
 */
import * as net from 'net';

export interface OutageProxy {
  readonly port: number;
  /** Replaces the port in a ws:// URL with the proxy's. */
  via(url: string): string;
  cut(): void;
  restore(): void;
  /** Connections accepted and forwarded so far. */
  readonly forwarded: number;
  close(): Promise<void>;
}

export async function startOutageProxy(targetPort: number, host = '127.0.0.1'): Promise<OutageProxy> {
  let down = false;
  let forwarded = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (down) {
      client.destroy();
      return;
    }
    forwarded += 1;
    const upstream = net.connect(targetPort, host);
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    via: (url) => url.replace(/:(\d+)(\/|$)/, `:${port}$2`),
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    get forwarded() {
      return forwarded;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
