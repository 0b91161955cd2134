/**
 * Passphrase protection of secrets at rest. The vault key is derived with Argon2id
 * (crypto_pwhash) from the passphrase and a random salt; each account's secrets are sealed under
 * it with XChaCha20-Poly1305, bound to the account's storage key as associated data (a sealed
 * blob moved to another record does not open). The derived key lives only in memory and in
 * storage.session (memory in both browsers, not readable by content scripts); locking wipes both.
 */
import sodium from 'libsodium-wrappers-sumo';
import { b64, unb64 } from '../../messaging/encoding';
import type { PlainSecrets, SealedSecrets, VaultRecord } from '../storage/schema';

export interface KdfCost {
  readonly opslimit: number;
  readonly memlimit: number;
}

/** Argon2id, 3 passes over 64 MiB: libsodium's MODERATE-ish cost that a service worker can afford. */
export const VAULT_COST: KdfCost = { opslimit: 3, memlimit: 64 * 1024 * 1024 };
const CHECK = 'hush vault check v1';

function derive(passphrase: string, salt: Uint8Array, cost: KdfCost): Uint8Array {
  return sodium.crypto_pwhash(
    32,
    sodium.from_string(passphrase.normalize('NFC')),
    salt,
    cost.opslimit,
    cost.memlimit,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

export function createVault(passphrase: string, cost: KdfCost = VAULT_COST): { record: VaultRecord; key: Uint8Array } {
  const salt = sodium.randombytes_buf(sodium.crypto_pwhash_SALTBYTES);
  const key = derive(passphrase, salt, cost);
  const nonce = sodium.randombytes_buf(24);
  const check = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(sodium.from_string(CHECK), null, null, nonce, key);
  return {
    record: {
      salt: b64(salt),
      opslimit: cost.opslimit,
      memlimit: cost.memlimit,
      checkNonce: b64(nonce),
      check: b64(check),
    },
    key,
  };
}

/** The vault key, or null for a wrong passphrase (or a damaged vault record). */
export function openVault(record: VaultRecord, passphrase: string): Uint8Array | null {
  const salt = unb64(record.salt);
  const nonce = unb64(record.checkNonce);
  const check = unb64(record.check);
  if (salt?.length !== sodium.crypto_pwhash_SALTBYTES || nonce === undefined || check === undefined) return null;
  // Our own record, but bound the cost anyway: storage could have been tampered with on disk.
  if (record.opslimit < 1 || record.opslimit > 16 || record.memlimit < 8192 || record.memlimit > 256 * 1024 * 1024)
    return null;
  const key = derive(passphrase, salt, record);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, check, null, nonce, key);
    return key;
  } catch {
    sodium.memzero(key);
    return null;
  }
}

export function seal(key: Uint8Array, storageKey: string, secrets: PlainSecrets): SealedSecrets {
  const nonce = sodium.randombytes_buf(24);
  const plain = sodium.from_string(JSON.stringify(secrets));
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, sodium.from_string(storageKey), null, nonce, key);
  sodium.memzero(plain);
  return { kind: 'sealed', nonce: b64(nonce), ct: b64(ct) };
}

export function unseal(key: Uint8Array, storageKey: string, sealed: SealedSecrets): PlainSecrets | null {
  const nonce = unb64(sealed.nonce);
  const ct = unb64(sealed.ct);
  if (nonce === undefined || ct === undefined) return null;
  try {
    const plain = sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ct,
      sodium.from_string(storageKey),
      nonce,
      key,
    );
    const parsed = JSON.parse(sodium.to_string(plain)) as PlainSecrets;
    sodium.memzero(plain);
    return parsed.kind === 'plain' ? parsed : null;
  } catch {
    return null;
  }
}
