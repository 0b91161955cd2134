// "Hush16" status text codec (docs/PROTOCOL.md §4.6): 16 bits per character, every character a CJK
// Unified Ideograph that counts as 1 for Mastodon's server (graphemes) and web UI (code points).

export const STATUS_PREFIX = '[Hush encrypted message]';
/** The prefix as written by the encoder, with its separating space. */
export const STATUS_PREFIX_TEXT = `${STATUS_PREFIX} `;
/** Upper bound on code points accepted after the prefix (bounds work before allocating). */
export const MAX_ENCODED_CHARS = 8192;

const EXT_A = 0x3400; // ..0x4DBF, 6592 code points
const EXT_A_N = 6592;
const URO = 0x4e00; // ..0x9FFF, 20992 code points
const URO_N = 20992;
const EXT_B = 0x20000; // ..0x2943F for 16-bit values
const EXT_B_N = 65536 - EXT_A_N - URO_N; // 37952
const TAIL = EXT_B + EXT_B_N; // 0x29440..0x2953F: a final odd byte

export function valueToCodePoint(v: number): number {
  if (v < EXT_A_N) return EXT_A + v;
  if (v < EXT_A_N + URO_N) return URO + (v - EXT_A_N);
  return EXT_B + (v - EXT_A_N - URO_N);
}

/** 0..65535 for a full character, 65536 + b for a tail byte b, -1 for anything else. */
export function codePointToValue(cp: number): number {
  if (cp >= EXT_A && cp < EXT_A + EXT_A_N) return cp - EXT_A;
  if (cp >= URO && cp < URO + URO_N) return EXT_A_N + (cp - URO);
  if (cp >= EXT_B && cp < EXT_B + EXT_B_N) return EXT_A_N + URO_N + (cp - EXT_B);
  if (cp >= TAIL && cp < TAIL + 256) return 65536 + (cp - TAIL);
  return -1;
}

export function encodeHush16(bytes: Uint8Array): string {
  const cps: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2)
    cps.push(valueToCodePoint(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)));
  if (bytes.length % 2 === 1) cps.push(TAIL + (bytes[bytes.length - 1] ?? 0));
  let s = '';
  for (let i = 0; i < cps.length; i += 4096) s += String.fromCodePoint(...cps.slice(i, i + 4096));
  return s;
}

/** Number of characters encodeHush16 produces for n bytes. */
export function hush16Length(nBytes: number): number {
  return Math.ceil(nBytes / 2);
}

/** Strict decode: every character in the alphabet, a tail only last. undefined otherwise. */
export function decodeHush16(text: string): Uint8Array | undefined {
  const cps: number[] = [];
  for (const ch of text) {
    if (cps.length >= MAX_ENCODED_CHARS) return undefined;
    cps.push(ch.codePointAt(0) ?? -1);
  }
  const last = cps.length > 0 ? codePointToValue(cps[cps.length - 1] ?? -1) : 0;
  const odd = last >= 65536 ? 1 : 0;
  const out = new Uint8Array(cps.length * 2 - odd);
  for (let i = 0; i < cps.length; i++) {
    const v = codePointToValue(cps[i] ?? -1);
    if (v < 0) return undefined;
    if (v >= 65536) {
      if (i !== cps.length - 1) return undefined;
      out[2 * i] = v - 65536;
    } else {
      out[2 * i] = v >>> 8;
      out[2 * i + 1] = v & 0xff;
    }
  }
  return out;
}

export type StatusParse =
  | { readonly ok: true; readonly value: Uint8Array }
  | { readonly ok: false; readonly reason: 'not_hush' | 'malformed_text'; readonly detail?: string };

/**
 * Extract the envelope bytes from a status's text (its textContent or source text). Mentions before the
 * prefix are ignored: recipients come from the status's mention list, not from text.
 */
export function parseStatusText(text: string): StatusParse {
  if (typeof text !== 'string') return { ok: false, reason: 'not_hush' };
  const at = text.indexOf(STATUS_PREFIX);
  if (at < 0) return { ok: false, reason: 'not_hush' };
  const body = text.slice(at + STATUS_PREFIX.length).trim();
  // Each alphabet character is 2 UTF-16 units at most: bound before iterating.
  if (body.length > 2 * MAX_ENCODED_CHARS) return { ok: false, reason: 'malformed_text', detail: 'too long' };
  if (body.length === 0) return { ok: false, reason: 'malformed_text', detail: 'empty' };
  const bytes = decodeHush16(body);
  if (bytes === undefined)
    return { ok: false, reason: 'malformed_text', detail: 'character outside the Hush16 alphabet' };
  return { ok: true, value: bytes };
}
