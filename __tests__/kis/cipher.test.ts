import { decryptPayload, decryptPortable, encryptPayload } from '../../src/brokers/kis/wire/cipher';
import { testVector } from './samples';

/** The notice cipher: node:crypto in Node, @noble/ciphers where there is no node:crypto (browsers). */
describe('KIS notice cipher', () => {
  const key = { key: testVector.key, iv: testVector.iv };

  it('decrypts the self-made test vector on both paths to the same 26 fields', () => {
    const node = decryptPayload(testVector.ciphertext, key);
    const portable = decryptPortable(testVector.ciphertext, key);
    expect(node).toBe(testVector.plaintext);
    expect(portable).toBe(node);
    expect(portable.split('^')).toHaveLength(26);
  });

  it('round-trips what the loopback server encrypts, Korean text included', () => {
    const text = 'testhts^1234567801^0000000007^^01^0^00^0^005930^0000000003^000070900^093016^0^2^2^06010^000000010^김한투';
    expect(decryptPortable(encryptPayload(text, key), key)).toBe(text);
  });

  it('refuses a wrong key or a payload that is not base64 on both paths', () => {
    const wrong = { key: 'vutsrqponmlkjihgfedcba9876543210', iv: testVector.iv };
    expect(() => decryptPayload(testVector.ciphertext, wrong)).toThrow();
    expect(() => decryptPortable(testVector.ciphertext, wrong)).toThrow();
    expect(() => decryptPortable('not base64!', key)).toThrow(/base64/);
  });
});
