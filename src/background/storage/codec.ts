// Byte <-> text for storage and messages. Chrome serialises runtime messages and storage values as
// JSON (a Uint8Array would arrive as an object of indices), so bytes travel as base64url strings.
import sodium from 'libsodium-wrappers-sumo';

export const b64 = (bytes: Uint8Array): string => sodium.to_base64(bytes, sodium.base64_variants.URLSAFE_NO_PADDING);

/** Decodes base64url; undefined instead of throwing on bad input (stored data may be corrupt). */
export function unb64(text: unknown): Uint8Array | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return sodium.from_base64(text, sodium.base64_variants.URLSAFE_NO_PADDING);
  } catch {
    return undefined;
  }
}

export const hex = (bytes: Uint8Array): string => sodium.to_hex(bytes);

export function unhex(text: string): Uint8Array | undefined {
  if (!/^(?:[0-9a-f]{2})+$/.test(text)) return undefined;
  return sodium.from_hex(text);
}
