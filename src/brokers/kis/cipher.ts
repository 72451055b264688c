/**
 * AES-256-CBC for the encrypted notice feeds. The key (32 chars) and iv (16 chars) come from the
 * subscribe reply and are used as their UTF-8 bytes, not hex- or base64-decoded; the payload is
 * base64 ciphertext with PKCS#7 padding.
 */

/** node:crypto, loaded on first use so browser bundles that never see a notice do not need it. */
function nodeCrypto(): typeof import('node:crypto') {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('node:crypto') as typeof import('node:crypto');
}

export interface CipherKey {
  readonly key: string;
  readonly iv: string;
}

/** Decrypts a base64 payload to text. Throws on a wrong key, bad padding or bad base64. */
export function decryptPayload(base64: string, k: CipherKey): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('payload is not base64');
  const decipher = nodeCrypto().createDecipheriv('aes-256-cbc', Buffer.from(k.key, 'utf8'), Buffer.from(k.iv, 'utf8'));
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).toString('utf8');
}

/** Encrypts text to a base64 payload (the loopback server's side). */
export function encryptPayload(text: string, k: CipherKey): string {
  const cipher = nodeCrypto().createCipheriv('aes-256-cbc', Buffer.from(k.key, 'utf8'), Buffer.from(k.iv, 'utf8'));
  return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}
