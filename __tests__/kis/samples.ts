/** The KIS sample frames (fixtures) and small helpers shared by the KIS tests. */
import samples from '../fixtures/kis/samples.json';

export const frames = Object.fromEntries(Object.entries(samples.frames).map(([k, v]) => [k, v.frame])) as Record<
  keyof typeof samples.frames,
  string
>;
export const notices = samples.noticePlaintexts;
export const testVector = samples.testVector;

/** The payload of a data frame (after the third `|`). */
export function payloadOf(frame: string): string {
  return frame.split('|').slice(3).join('|');
}

/** The values of a single-record sample frame. */
export function valuesOf(frame: string): string[] {
  return payloadOf(frame).split('^');
}

/** A data frame of `records` under `trId`. */
export function frameOf(trId: string, records: readonly (readonly string[])[]): string {
  return `0|${trId}|${String(records.length).padStart(3, '0')}|${records.map((r) => r.join('^')).join('^')}`;
}

/** A successful subscribe reply carrying a key/iv. */
export function subscribeReply(
  trId: string,
  trKey: string,
  cipher = { key: 'abcdefghijklmnopabcdefghijklmnop', iv: '0123456789abcdef' },
): string {
  return JSON.stringify({
    header: { tr_id: trId, tr_key: trKey, encrypt: 'N' },
    body: { rt_cd: '0', msg_cd: 'OPSP0000', msg1: 'SUBSCRIBE SUCCESS', output: { iv: cipher.iv, key: cipher.key } },
  });
}

/** A reply with any code. */
export function replyOf(trId: string, trKey: string, rtCd: string, msgCd: string, msg1: string): string {
  return JSON.stringify({ header: { tr_id: trId, tr_key: trKey, encrypt: 'N' }, body: { rt_cd: rtCd, msg_cd: msgCd, msg1 } });
}
