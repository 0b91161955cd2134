// Encrypted backup of identity + prekey chain under a generated recovery code (docs/PROTOCOL.md §6).
import { fromBase32Crockford, toBase32Crockford } from './base32';
import { concat, lp, readU16, readU32, u32, u8, utf8DecodeStrict } from './bytes';
import { fail, ok, type BackupFailureReason, type Result } from './errors';
import { identityFromSeed, isValidActorUri, type Identity } from './identity';
import { LABEL, VERSION } from './labels';
import { MAX_RETAINED, prekeyFromChainSecret, type PrekeyChainState, type RetainedPrekey } from './prekey-chain';
import { sodium, systemRng, type Rng } from './sodium';

export const BACKUP_OPSLIMIT = 3;
export const BACKUP_MEMLIMIT = 64 * 1024 * 1024;
const TYPE_BACKUP = 0x03;
const HEADER_LEN = 50;
const MAX_OPS = 16;
const MIN_MEM = 8192;
const MAX_MEM = 256 * 1024 * 1024;
const MAX_BACKUP_BYTES = 64 * 1024;

export interface BackupContents {
  readonly identity: Identity;
  readonly chain: PrekeyChainState;
}

export interface KdfParams {
  readonly opslimit: number;
  readonly memlimit: number;
}

/** 120-bit recovery code: 24 Crockford base32 characters in 6 groups of 4, e.g. "7K3M-...". */
export function generateRecoveryCode(rng: Rng = systemRng): string {
  const s = toBase32Crockford(rng(15));
  return (s.match(/.{4}/g) ?? []).join('-');
}

export function parseRecoveryCode(code: string): Uint8Array | undefined {
  if (typeof code !== 'string' || code.length > 100) return undefined;
  const compact = code.replace(/[\s-]/gu, '');
  return compact.length === 24 ? fromBase32Crockford(compact) : undefined;
}

function deriveKey(codeBytes: Uint8Array, salt: Uint8Array, p: KdfParams): Uint8Array {
  const s = sodium();
  return s.crypto_pwhash(32, concat(lp(LABEL.backup), codeBytes), salt, p.opslimit, p.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
}

function serialize(c: BackupContents): Uint8Array {
  const ch = c.chain;
  const parts: Uint8Array[] = [u8(VERSION), lp(c.identity.actorUri), c.identity.seed, u32(ch.origin), u32(ch.period), u32(ch.epoch), ch.chainSecret, u8(ch.retained.length)];
  for (const r of ch.retained) parts.push(u32(r.epoch), r.secretKey);
  return concat(...parts);
}

function deserialize(b: Uint8Array): BackupContents | undefined {
  if (b.length < 3 || b[0] !== VERSION) return undefined;
  const uriLen = readU16(b, 1);
  let off = 3 + uriLen;
  if (b.length < off + 32 + 12 + 32 + 1) return undefined;
  const actorUri = utf8DecodeStrict(b.slice(3, off));
  if (actorUri === undefined || !isValidActorUri(actorUri)) return undefined;
  const seed = b.slice(off, off + 32);
  off += 32;
  const origin = readU32(b, off);
  const period = readU32(b, off + 4);
  const epoch = readU32(b, off + 8);
  off += 12;
  const chainSecret = b.slice(off, off + 32);
  off += 32;
  const m = b[off] ?? 0;
  off += 1;
  if (b.length !== off + m * 36 || period < 60 || m > MAX_RETAINED) return undefined;
  const retained: RetainedPrekey[] = [];
  for (let i = 0; i < m; i++, off += 36) {
    const secretKey = b.slice(off + 4, off + 36);
    retained.push({ epoch: readU32(b, off), secretKey, publicKey: sodium().crypto_scalarmult_base(secretKey) });
  }
  // Cheap consistency check: the current prekey must be derivable from the chain secret.
  const cur = retained.find((r) => r.epoch === epoch);
  if (cur !== undefined && !sodium().memcmp(cur.secretKey, prekeyFromChainSecret(epoch, chainSecret).secretKey)) return undefined;
  return { identity: identityFromSeed(actorUri, seed), chain: { origin, period, epoch, chainSecret, retained } };
}

export function exportBackup(contents: BackupContents, recoveryCode: string, params: KdfParams = { opslimit: BACKUP_OPSLIMIT, memlimit: BACKUP_MEMLIMIT }, rng: Rng = systemRng): Uint8Array {
  const codeBytes = parseRecoveryCode(recoveryCode);
  if (codeBytes === undefined) throw new RangeError('invalid recovery code');
  const salt = rng(16);
  const nonce = rng(24);
  const header = concat(u8(VERSION), u8(TYPE_BACKUP), u32(params.opslimit), u32(params.memlimit), salt, nonce);
  const key = deriveKey(codeBytes, salt, params);
  const plain = serialize(contents);
  const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plain, header, null, nonce, key);
  sodium().memzero(key);
  sodium().memzero(plain);
  return concat(header, ct);
}

export function importBackup(file: Uint8Array, recoveryCode: string): Result<BackupContents, BackupFailureReason> {
  const codeBytes = parseRecoveryCode(recoveryCode);
  if (codeBytes === undefined) return fail('malformed_code');
  if (!(file instanceof Uint8Array) || file.length < HEADER_LEN + 16 || file.length > MAX_BACKUP_BYTES) return fail('malformed', 'length');
  if (file[0] !== VERSION) return fail('unsupported_version');
  if (file[1] !== TYPE_BACKUP) return fail('malformed', 'type');
  const opslimit = readU32(file, 2);
  const memlimit = readU32(file, 6);
  // Bound the KDF cost before running it: a hostile file must not make us allocate gigabytes.
  if (opslimit < 1 || opslimit > MAX_OPS || memlimit < MIN_MEM || memlimit > MAX_MEM) return fail('unsupported_params');
  const header = file.slice(0, HEADER_LEN);
  let key: Uint8Array | undefined;
  let plain: Uint8Array;
  try {
    key = deriveKey(codeBytes, file.slice(10, 26), { opslimit, memlimit });
    plain = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, file.slice(HEADER_LEN), header, file.slice(26, 50), key);
  } catch {
    return fail('wrong_code_or_corrupt');
  } finally {
    if (key) sodium().memzero(key);
  }
  const contents = deserialize(plain);
  sodium().memzero(plain);
  return contents === undefined ? fail('malformed', 'plaintext') : ok(contents);
}
