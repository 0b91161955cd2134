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

/**
 * Lenient on input as Crockford prescribes, ASCII only: a-z as A-Z, O/o -> 0, I/i/L/l -> 1, one UTF-16 code
 * unit at a time (no toUpperCase: it maps e.g. U+0131 to I and U+FB06 to "ST"). undefined on anything else.
 */
export function fromBase32Crockford(s: string): Uint8Array | undefined {
  if (typeof s !== 'string' || s.length % 8 !== 0) return undefined;
  const out = new Uint8Array((s.length / 8) * 5);
  for (let i = 0; i < s.length; i += 8) {
    let n = 0n;
    for (let k = 0; k < 8; k++) {
      const v = crockfordValue(s.charCodeAt(i + k));
      if (v < 0) return undefined;
      n = (n << 5n) | BigInt(v);
    }
    for (let k = 0; k < 5; k++) out[(i / 8) * 5 + k] = Number((n >> BigInt(8 * (4 - k))) & 255n);
  }
  return out;
}

function crockfordValue(unit: number): number {
  let c = unit;
  if (c >= 0x61 && c <= 0x7a) c -= 0x20; // ASCII a-z -> A-Z
  if (c === 0x4f) c = 0x30; // O -> 0
  if (c === 0x49 || c === 0x4c) c = 0x31; // I, L -> 1
  if (c < 0x30 || c > 0x5a) return -1;
  return CROCKFORD.indexOf(String.fromCharCode(c));
}
