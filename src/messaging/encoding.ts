/**
 * Bytes <-> text outside the protocol core, one module for every layer (the protocol's own
 * encodings, hush16 and base32, are normative and stay in src/protocol). Runtime messages and
 * storage values are JSON, where a Uint8Array would arrive as an object of indices, so bytes
 * travel as base64url (no padding) or lower-case hex. Decoders take outside or stored text: they
 * return undefined instead of throwing, and accept only the canonical form (the one the encoder
 * writes), so one byte string has exactly one text.
 *
 * Pure: atob/btoa only (browsers, workers and Node all have them), no libsodium, so the popup and
 * frames use it too.
 */

const CHUNK = 0x8000;

function toBinary(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return s;
}

function fromBase64Std(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Standard base64 with padding (the sealed message store's stored format). */
export const b64std = (bytes: Uint8Array): string => btoa(toBinary(bytes));

export function unb64std(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    return undefined;
  const bytes = fromBase64Std(text);
  return bytes !== undefined && b64std(bytes) === text ? bytes : undefined;
}

/** base64url without padding: how bytes cross runtime messages and storage. */
export const b64 = (bytes: Uint8Array): string =>
  b64std(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function unb64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const bytes = fromBase64Std(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  // Canonical only: unused low bits must be zero (else two texts would name one byte string).
  return bytes !== undefined && b64(bytes) === text ? bytes : undefined;
}

/** Lower-case hex. */
export const hex = (bytes: Uint8Array): string => Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');

/** Lower-case hex of at least one byte (what `hex` writes for a non-empty input). */
export function unhex(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string' || !/^(?:[0-9a-f]{2})+$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
