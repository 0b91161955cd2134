// Ed25519 identity keys, key ids and short fingerprints (docs/PROTOCOL.md §2).
import { toBase32Crockford } from './base32';
import { LABEL } from './labels';
import { hashLabelled } from './kdf';
import { sodium, systemRng, type Rng } from './sodium';

export interface Identity {
  /** ActivityPub actor URI (account.uri) the key is bound to. */
  readonly actorUri: string;
  /** 32-byte seed; the Ed25519 secret key is derived from it. */
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export const MAX_ACTOR_URI_BYTES = 2048;

export function isValidActorUri(uri: string): boolean {
  const n = new TextEncoder().encode(uri).length;
  return n >= 1 && n <= MAX_ACTOR_URI_BYTES;
}

export function identityFromSeed(actorUri: string, seed: Uint8Array): Identity {
  if (seed.length !== 32) throw new RangeError('identity seed must be 32 bytes');
  if (!isValidActorUri(actorUri)) throw new RangeError('actor URI must be 1..2048 bytes');
  const kp = sodium().crypto_sign_seed_keypair(seed);
  return { actorUri, seed: seed.slice(), publicKey: kp.publicKey, secretKey: kp.privateKey };
}

export function generateIdentity(actorUri: string, rng: Rng = systemRng): Identity {
  const seed = rng(32);
  try {
    return identityFromSeed(actorUri, seed);
  } finally {
    sodium().memzero(seed); // identityFromSeed keeps its own copy
  }
}

/** 4-byte key id carried in envelopes; diagnostic only (lets the receiver say 'sender_mismatch'). */
export function keyId(publicKey: Uint8Array): Uint8Array {
  return hashLabelled(LABEL.keyId, publicKey, 32).slice(0, 4);
}

/** Short human fingerprint of one key: 120 bits, 24 Crockford base32 chars in groups of 4. */
export function fingerprint(publicKey: Uint8Array): string {
  const h = hashLabelled(LABEL.fingerprint, publicKey, 32).slice(0, 15);
  const s = toBase32Crockford(h).toLowerCase();
  return (s.match(/.{4}/g) ?? []).join(' ');
}
