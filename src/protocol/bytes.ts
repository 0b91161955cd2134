// Byte helpers. Every secret comparison goes through equalCt (libsodium's constant-time memcmp).
import { sodium } from './sodium';

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function u8(n: number): Uint8Array {
  return new Uint8Array([n & 0xff]);
}

export function u16(n: number): Uint8Array {
  return new Uint8Array([(n >>> 8) & 0xff, n & 0xff]);
}

export function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
}

export function readU16(b: Uint8Array, off: number): number {
  return ((b[off] ?? 0) << 8) | (b[off + 1] ?? 0);
}

export function readU32(b: Uint8Array, off: number): number {
  return (((b[off] ?? 0) << 24) >>> 0) + (((b[off + 1] ?? 0) << 16) | ((b[off + 2] ?? 0) << 8) | (b[off + 3] ?? 0));
}

/** Length-prefixed bytes: u16(len) || x. */
export function lp(x: Uint8Array | string): Uint8Array {
  const b = typeof x === 'string' ? utf8(x) : x;
  if (b.length > 0xffff) throw new RangeError('lp: too long');
  return concat(u16(b.length), b);
}

export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Strict UTF-8 decode; undefined on invalid input instead of U+FFFD replacement. */
export function utf8DecodeStrict(b: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b);
  } catch {
    return undefined;
  }
}

/** Constant-time equality (length is public). */
export function equalCt(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  if (a.length === 0) return true;
  return sodium().memcmp(a, b);
}

/** Public-data equality (no timing concern). */
export function equalPublic(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function wipe(...buffers: Uint8Array[]): void {
  for (const b of buffers) sodium().memzero(b);
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-f]*$/.test(h)) throw new RangeError('fromHex: bad hex');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function toBase64Url(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = ((b[i] ?? 0) << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const chars = i + 2 < b.length ? 4 : i + 1 < b.length ? 3 : 2;
    for (let k = 0; k < chars; k++) out += B64U.charAt((n >>> (18 - 6 * k)) & 63);
  }
  return out;
}

/** Strict base64url: no padding, no whitespace, canonical trailing bits. */
export function fromBase64Url(s: string): Uint8Array | undefined {
  if (s.length % 4 === 1) return undefined;
  const vals: number[] = [];
  for (const ch of s) {
    const v = B64U.indexOf(ch);
    if (v < 0) return undefined;
    vals.push(v);
  }
  const out = new Uint8Array(Math.floor((s.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const v of vals) {
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
