/**
 * The nats-server configuration the gateway is meant to run with (the tests run with it, the
 * README shows it): JetStream on, a WebSocket listener for browsers, and two users —
 *
 * - `gateway` publishes data, status, notices and refusals, and manages streams and its lock bucket;
 * - `consumer` may only subscribe to market subjects (and its own inboxes), publish leases, and
 *   read what JetStream keeps (direct gets, its own consumers on the account stream). It cannot
 *   publish a trade, a book or an order, and it needs no broker secret.
 */
export interface NatsConfigOptions {
  readonly host?: string;
  readonly port: number;
  /** nats-server's WebSocket listener (no TLS: put a TLS proxy in front in production). */
  readonly wsPort?: number;
  readonly storeDir: string;
  readonly gatewayPassword: string;
  readonly consumerPassword: string;
  /** Subject prefix. Default 'rxm'. */
  readonly prefix?: string;
}

export function natsServerConfig(o: NatsConfigOptions): string {
  const p = o.prefix ?? 'rxm';
  const host = o.host ?? '127.0.0.1';
  const q = (s: string): string => JSON.stringify(s);
  const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;
  const consumerPublish = [
    `${p}.*.interest.*`,
    '$JS.API.INFO',
    '$JS.API.STREAM.INFO.*',
    '$JS.API.DIRECT.GET.*.>',
    '$JS.API.STREAM.MSG.GET.*',
    '$JS.API.CONSUMER.CREATE.*',
    '$JS.API.CONSUMER.CREATE.*.>',
    '$JS.API.CONSUMER.DURABLE.CREATE.*.*',
    '$JS.API.CONSUMER.INFO.*.*',
    '$JS.API.CONSUMER.MSG.NEXT.*.*',
    '$JS.API.CONSUMER.DELETE.*.*',
    '$JS.ACK.*.>',
    '$JS.FC.>',
  ];
  const consumerSubscribe = [
    `${p}.*.trade.*`,
    `${p}.*.book.*`,
    `${p}.*.quote.*`,
    `${p}.*.status`,
    `${p}.*.notice`,
    `${p}.*.refused.>`,
    '_INBOX.>',
  ];
  return [
    `host: ${q(host)}`,
    `port: ${o.port}`,
    `jetstream { store_dir: ${q(o.storeDir)} }`,
    ...(o.wsPort !== undefined ? [`websocket { host: ${q(host)}, port: ${o.wsPort}, no_tls: true }`] : []),
    'authorization {',
    '  users = [',
    `    { user: "gateway", password: ${q(o.gatewayPassword)}, permissions: {`,
    `        publish: { allow: [${q(`${p}.>`)}, "$JS.API.>", "$KV.rxm_gateways.>", "_INBOX.>"] }`,
    `        subscribe: { allow: [${q(`${p}.>`)}, "_INBOX.>"] } } }`,
    `    { user: "consumer", password: ${q(o.consumerPassword)}, permissions: {`,
    `        publish: { allow: ${list(consumerPublish)} }`,
    `        subscribe: { allow: ${list(consumerSubscribe)} } } }`,
    '  ]',
    '}',
    '',
  ].join('\n');
}
