/**
 * AES-256-CBC for the encrypted notice feeds. The key (32 chars) and iv (16 chars) come from the
 * subscribe reply and are used as their UTF-8 bytes, not hex- or base64-decoded; the payload is
 * base64 ciphertext with PKCS#7 padding.
 *
 * Node uses node:crypto. Browsers have no synchronous AES in Web Crypto (`crypto.subtle` only
 * returns promises, and a frame's decode is synchronous), so there the audited pure-JS
 * `@noble/ciphers` does the same work; both paths give the same text (tested on the test vector).
 */
import { cbc } from '@noble/ciphers/aes';
import { nodeBuiltin } from '../../../core/node-builtin';

export interface CipherKey {
  readonly key: string;
  readonly iv: string;
}

type NodeCrypto = typeof import('node:crypto');

let nodeCrypto: NodeCrypto | null | undefined;

/** node:crypto where there is one (looked up on first use, so browser bundles never need it). */
function loadNodeCrypto(): NodeCrypto | null {
  if (nodeCrypto === undefined) nodeCrypto = nodeBuiltin<NodeCrypto>('node:crypto') ?? null;
  return nodeCrypto;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Decrypts a base64 payload to text. Throws on a wrong key, bad padding or bad base64. */
export function decryptPayload(base64: string, k: CipherKey): string {
  if (!BASE64.test(base64)) throw new Error('payload is not base64');
  const node = loadNodeCrypto();
  if (node === null) return decryptPortable(base64, k);
  const decipher = node.createDecipheriv('aes-256-cbc', Buffer.from(k.key, 'utf8'), Buffer.from(k.iv, 'utf8'));
  return Buffer.concat([decipher.update(Buffer.from(base64, 'base64')), decipher.final()]).toString('utf8');
}

/** The browser path: no Buffer, no node:crypto. */
export function decryptPortable(base64: string, k: CipherKey): string {
  if (!BASE64.test(base64)) throw new Error('payload is not base64');
  const encoder = new TextEncoder();
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const plain = cbc(encoder.encode(k.key), encoder.encode(k.iv)).decrypt(bytes);
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

/** Encrypts text to a base64 payload (the loopback server's side; Node only). */
export function encryptPayload(text: string, k: CipherKey): string {
  const node = loadNodeCrypto();
  if (node === null) throw new Error('encryptPayload needs node:crypto (it serves the loopback server)');
  const cipher = node.createCipheriv('aes-256-cbc', Buffer.from(k.key, 'utf8'), Buffer.from(k.iv, 'utf8'));
  return Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]).toString('base64');
}
