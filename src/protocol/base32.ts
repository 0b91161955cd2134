// Crockford base32 (recovery codes, fingerprints). Multiples of 5 bytes only: that is all v1 needs.
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function toBase32Crockford(b: Uint8Array): string {
  if (b.length % 5 !== 0) throw new RangeError('base32: length must be a multiple of 5');
  let out = '';
  for (let i = 0; i < b.length; i += 5) {
    let n = 0n;
    for (let k = 0; k < 5; k++) n = (n << 8n) | BigInt(b[i + k] ?? 0);
    for (let k = 7; k >= 0; k--) out += CROCKFORD.charAt(Number((n >> BigInt(5 * k)) & 31n));
  }
  return out;
}

/** Lenient on input as Crockford prescribes (case, O→0, I/L→1); undefined on anything else. */
export function fromBase32Crockford(s: string): Uint8Array | undefined {
  if (s.length % 8 !== 0) return undefined;
  const out = new Uint8Array((s.length / 8) * 5);
  for (let i = 0; i < s.length; i += 8) {
    let n = 0n;
    for (let k = 0; k < 8; k++) {
      let ch = (s[i + k] ?? '').toUpperCase();
      if (ch === 'O') ch = '0';
      if (ch === 'I' || ch === 'L') ch = '1';
      const v = CROCKFORD.indexOf(ch);
      if (v < 0 || ch === '') return undefined;
      n = (n << 5n) | BigInt(v);
    }
    for (let k = 0; k < 5; k++) out[(i / 8) * 5 + k] = Number((n >> BigInt(8 * (4 - k))) & 255n);
  }
  return out;
}
