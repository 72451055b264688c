/** KIS as the core sees it: how to open a connection, and the codec of each connection. */
import { AttemptContext, BrokerProtocol, SessionSetup } from '../../core/protocol';
import { ApprovalCache, fromProvider, requestApprovalKey } from './auth';
import { KisCodec } from './codec';
import { KisConfig } from './options';
import { KisWireRecord } from './wire/message';
import { parseKey } from './wire/control';
import { trIdInfo } from './wire/tr-ids';
import { MarketHours, krxHours, krxNxtHours, nxtHours, quietMsAt } from '../../core/market-hours';

/** KIS asks for at least 0.1 s between subscribe requests (its samples sleep that long). */
export const KIS_REQUEST_SPACING_MS = 100;

const hoursOf: Readonly<Record<string, MarketHours>> = { KRX: krxHours, NXT: nxtHours, UN: krxNxtHours };

/**
 * How long a KIS key may stay quiet: trades and books follow their venue's hours; expected
 * matches (auctions only), market-operation notices and account notices have no cadence.
 */
export function kisExpectedQuietMs(key: string, at: number): number | undefined {
  const info = trIdInfo(parseKey(key)?.trId ?? '');
  if (info === undefined || (info.kind !== 'trade' && info.kind !== 'book') || info.exchange === undefined) return undefined;
  return quietMsAt(hoursOf[info.exchange] as MarketHours, at);
}

/**
 * The KIS BrokerProtocol. KIS has no login message: a session is ready as soon as the socket is
 * open, and every register request carries the approval key instead. One approval key serves
 * every reconnect; it is re-issued once after OPSP0011, never in a loop.
 */
export function kisProtocol(config: KisConfig): BrokerProtocol<KisWireRecord> {
  const approval = new ApprovalCache({
    now: config.clock,
    ...(config.approvalKey ? { initialKey: config.approvalKey } : {}),
    ...(config.approvalMaxAgeMs !== undefined ? { maxAgeMs: config.approvalMaxAgeMs } : {}),
    issue: config.approvalKeyProvider
      ? fromProvider(config.approvalKeyProvider)
      : () =>
          requestApprovalKey({
            restUrl: config.restUrl,
            appKey: config.appKey,
            appSecret: config.appSecret,
            ...(config.fetch ? { fetch: config.fetch } : {}),
          }),
  });
  // A connection this session gave up on as dead (no pong, silence, a peer not reading) may live
  // on at the server for a while, holding the app key: an OPSP8996 then is our own ghost, not
  // another client, and is retried (with backoff) for this long before it counts as fatal.
  const ghostWindowMs = 120_000;
  let abandonedAt: number | undefined;
  const reportedLayouts = new Set<string>();
  let current: KisCodec | undefined;
  return {
    name: 'kis',
    keysPerConnection: config.maxSubscriptions,
    pacing: { spacingMs: KIS_REQUEST_SPACING_MS },
    expectedQuietMs: kisExpectedQuietMs,
    // The connection's AES key/iv too: the subscribe reply carries them beside encrypted notices.
    secrets: () => [
      ...[config.appKey, config.appSecret].filter((s) => s !== ''),
      ...(approval.key ? [approval.key] : []),
      ...(current?.cipherSecrets() ?? []),
    ],
    classify(error) {
      if (error.kind === 'timeout' && error.code !== 'LOGIN_TIMEOUT') abandonedAt = config.clock();
      if (error.code === 'OPSP8996' && abandonedAt !== undefined && config.clock() - abandonedAt < ghostWindowMs) {
        return error.with({
          fatal: false,
          message: `${error.message} (likely this session's own connection abandoned as dead, still open at the server: retrying)`,
        });
      }
      return error;
    },
    open(context: AttemptContext): SessionSetup<KisWireRecord> | Promise<SessionSetup<KisWireRecord>> {
      const setup = (approvalKey: string): SessionSetup<KisWireRecord> => ({
        url: config.wsUrl,
        codec: (current = new KisCodec({
          approvalKey,
          custType: config.custType,
          reportedLayouts,
          onSubscribed: () => approval.confirm(),
        })),
      });
      // Synchronous when the cached key is usable, so reconnects run in virtual time too.
      const key = approval.get(context.lastError);
      return typeof key === 'string' ? setup(key) : key.then(setup);
    },
  };
}
