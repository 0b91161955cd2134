// The only hash/KDF constructions of v1 (docs/PROTOCOL.md §1): BLAKE2b over lp(label) || data.
import { concat, lp } from './bytes';
import { sodium } from './sodium';

/** Unkeyed BLAKE2b with a domain label. */
export function hashLabelled(label: string, data: Uint8Array, outLen: number): Uint8Array {
  return sodium().crypto_generichash(outLen, concat(lp(label), data), null);
}

/** Keyed BLAKE2b with a domain label: KDF(key, label, data, n). */
export function kdf(key: Uint8Array, label: string, data: Uint8Array, outLen: number): Uint8Array {
  return sodium().crypto_generichash(outLen, concat(lp(label), data), key);
}
