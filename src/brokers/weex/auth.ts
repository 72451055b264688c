import { nodeBuiltin } from '../../core/node-builtin';

/** What a private WEEX connection signs with. */
export interface WeexCredentials {
  readonly apiKey: string;
  readonly secretKey: string;
  readonly passphrase: string;
}

/**
 * ACCESS-SIGN = base64(HMAC-SHA256(secret, timestamp + path)), path '/v3/ws/private'.
 * No HTTP method and no body in the signed text (unlike WEEX REST).
 */
export function signUpgrade(secretKey: string, timestamp: string, path: string): string {
  // Node only: a browser cannot send the signed upgrade headers anyway (see the README).
  const crypto = nodeBuiltin<typeof import('node:crypto')>('node:crypto');
  if (!crypto) throw new Error('WEEX private streams need Node: the upgrade is signed with node:crypto and sent as headers');
  return crypto
    .createHmac('sha256', secretKey)
    .update(timestamp + path)
    .digest('base64');
}

/**
 * Upgrade headers for a private socket. The timestamp (epoch ms) expires after 30 s, so these are
 * built anew for every connection attempt.
 */
export function privateHeaders(credentials: WeexCredentials, path: string, nowMs: number): Record<string, string> {
  const timestamp = String(Math.floor(nowMs));
  return {
    'ACCESS-KEY': credentials.apiKey,
    'ACCESS-PASSPHRASE': credentials.passphrase,
    'ACCESS-TIMESTAMP': timestamp,
    'ACCESS-SIGN': signUpgrade(credentials.secretKey, timestamp, path),
  };
}
