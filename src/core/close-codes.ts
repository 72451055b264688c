/**
 * RFC 6455 close codes in plain words. A close is reported with its code and meaning so that
 * "why did my feed reconnect" has an answer in the status line.
 */
const meanings: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away (server shutting down or restarting)',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status code',
  1006: 'abnormal closure (no close frame; network drop or killed process)',
  1007: 'invalid frame payload',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'missing extension',
  1011: 'internal server error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

export function describeCloseCode(code: number): string {
  const known = meanings[code];
  if (known) return known;
  if (code >= 4000 && code <= 4999) return 'application-defined';
  if (code >= 3000 && code <= 3999) return 'library-defined';
  return 'unknown';
}
