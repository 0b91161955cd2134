// Signal-style safety numbers over both identity keys and actor URIs (docs/PROTOCOL.md §5).
import { compareBytes, concat, equalCt, lp, u8 } from './bytes';
import { LABEL } from './labels';
import type { Party } from './message-crypto';
import { sodium } from './sodium';

export const SAFETY_ITERATIONS = 5200;
const QR_VERSION = 0x01;

function partyFingerprint(p: Party): Uint8Array {
  const s = sodium();
  let h = s.crypto_hash_sha512(concat(lp(LABEL.safetyNumber), p.identityPk, lp(p.actorUri)));
  for (let i = 0; i < SAFETY_ITERATIONS; i++) h = s.crypto_hash_sha512(concat(h, p.identityPk));
  return h.slice(0, 32);
}

function digits(fp: Uint8Array): string {
  let out = '';
  for (let k = 0; k < 6; k++) {
    let n = 0;
    for (let b = 0; b < 5; b++) n = n * 256 + (fp[5 * k + b] ?? 0);
    out += String(n % 100000).padStart(5, '0');
  }
  return out;
}

export interface SafetyNumber {
  /** 60 digits. */
  readonly digits: string;
  /** 12 groups of 5 digits separated by spaces, for display. */
  readonly display: string;
  /** Compact QR payload: 0x01 || fp_first || fp_second (65 bytes). Identical on both sides. */
  readonly qrPayload: Uint8Array;
}

/** Order-independent: safetyNumber(a, b) equals safetyNumber(b, a). */
export function safetyNumber(a: Party, b: Party): SafetyNumber {
  const fa = partyFingerprint(a);
  const fb = partyFingerprint(b);
  const [first, second] = compareBytes(fa, fb) <= 0 ? [fa, fb] : [fb, fa];
  const d = digits(first) + digits(second);
  return { digits: d, display: (d.match(/.{5}/g) ?? []).join(' '), qrPayload: concat(u8(QR_VERSION), first, second) };
}

/** Constant-time comparison of a scanned QR payload with ours. Never throws. */
export function compareSafetyPayload(mine: Uint8Array, scanned: Uint8Array): boolean {
  if (!(scanned instanceof Uint8Array) || scanned.length !== 65 || scanned[0] !== QR_VERSION) return false;
  return equalCt(mine, scanned);
}
