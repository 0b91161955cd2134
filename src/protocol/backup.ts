// Encrypted backup of identity + prekey chain under a generated recovery code (docs/PROTOCOL.md §6).
import { fromBase32Crockford, toBase32Crockford } from './base32';
import { concat, lp, readU16, readU32, u32, u8, utf8DecodeStrict, wipe } from './bytes';
import { fail, ok, type BackupFailureReason, type Result } from './errors';
import { identityFromSeed, isValidActorUri, type Identity } from './identity';
import { LABEL, VERSION } from './labels';
import { MAX_RETAINED, prekeyFromChainSecret, type PrekeyChainState, type RetainedPrekey } from './prekey-chain';
import { sodium, systemRng, type Rng } from './sodium';

export const BACKUP_OPSLIMIT = 3;
export const BACKUP_MEMLIMIT = 64 * 1024 * 1024;
const TYPE_BACKUP = 0x03;
const HEADER_LEN = 50;
// Argon2id passes accepted on import: the defaults use 3; 8 bounds a hostile file's cost (8 × 256 MiB).
const MAX_OPS = 8;
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
  // Only ASCII separators (space, tab, line breaks, '-') are ignored; any other character is malformed (§6).
  const compact = code.replace(/[ \t\r\n-]/g, '');
  return compact.length === 24 ? fromBase32Crockford(compact) : undefined;
}

function deriveKey(codeBytes: Uint8Array, salt: Uint8Array, p: KdfParams): Uint8Array {
  const s = sodium();
  const password = concat(lp(LABEL.backup), codeBytes);
  try {
    return s.crypto_pwhash(32, password, salt, p.opslimit, p.memlimit, s.crypto_pwhash_ALG_ARGON2ID13);
  } finally {
    s.memzero(password);
  }
}

/**
 * Why a chain state cannot be backed up / restored (§6), or undefined when it is consistent: P ≥ 60,
 * t0 + epoch·P within u32 time, retained epochs strictly ascending and ending with the current epoch, whose
 * secret equals KDF(c_epoch, "hush1/prekey").
 */
export function backupChainProblem(chain: PrekeyChainState): string | undefined {
  const { origin, period, epoch, chainSecret, retained } = chain;
  if (period < 60 || period > 0xffffffff) return 'period';
  if (origin < 0 || epoch < 0 || origin + epoch * period > 0xffffffff) return 'origin + epoch * period beyond u32 time';
  if (chainSecret.length !== 32) return 'chain secret length';
  if (retained.length < 1 || retained.length > MAX_RETAINED) return 'retained count';
  for (let i = 1; i < retained.length; i++)
    if ((retained[i]?.epoch ?? -1) <= (retained[i - 1]?.epoch ?? -1)) return 'retained epochs not strictly ascending';
  const cur = retained[retained.length - 1];
  if (cur?.epoch !== epoch) return 'retained epochs must end with the current epoch';
  const expected = prekeyFromChainSecret(epoch, chainSecret).secretKey;
  const same = cur.secretKey.length === 32 && sodium().memcmp(cur.secretKey, expected);
  sodium().memzero(expected);
  return same ? undefined : 'current prekey does not match the chain secret';
}

/** The backup plaintext (§6), unchecked. Exported for test vectors; use exportBackup. */
export function encodeBackupPlaintext(c: BackupContents): Uint8Array {
  const ch = c.chain;
  const parts: Uint8Array[] = [
    u8(VERSION),
    lp(c.identity.actorUri),
    c.identity.seed,
    u32(ch.origin),
    u32(ch.period),
    u32(ch.epoch),
    ch.chainSecret,
    u8(ch.retained.length),
  ];
  for (const r of ch.retained) parts.push(u32(r.epoch), r.secretKey);
  return concat(...parts);
}

function deserialize(b: Uint8Array): Result<BackupContents, 'malformed'> {
  if (b.length < 3 || b[0] !== VERSION) return fail('malformed', 'plaintext version');
  const uriLen = readU16(b, 1);
  let off = 3 + uriLen;
  if (b.length < off + 32 + 12 + 32 + 1) return fail('malformed', 'plaintext length');
  const actorUri = utf8DecodeStrict(b.slice(3, off));
  if (actorUri === undefined || !isValidActorUri(actorUri)) return fail('malformed', 'actor URI');
  const seedOff = off;
  off += 32;
  const origin = readU32(b, off);
  const period = readU32(b, off + 4);
  const epoch = readU32(b, off + 8);
  off += 12;
  const chainOff = off;
  off += 32;
  const m = b[off] ?? 0;
  off += 1;
  if (b.length !== off + m * 36 || m > MAX_RETAINED) return fail('malformed', 'plaintext length');
  const chainSecret = b.slice(chainOff, chainOff + 32);
  const retained: RetainedPrekey[] = [];
  for (let i = 0; i < m; i++, off += 36) {
    const secretKey = b.slice(off + 4, off + 36);
    retained.push({ epoch: readU32(b, off), secretKey, publicKey: sodium().crypto_scalarmult_base(secretKey) });
  }
  const chain: PrekeyChainState = { origin, period, epoch, chainSecret, retained };
  const problem = backupChainProblem(chain);
  if (problem !== undefined) {
    wipe(chainSecret, ...retained.map((r) => r.secretKey));
    return fail('malformed', problem);
  }
  const seed = b.slice(seedOff, seedOff + 32);
  const identity = identityFromSeed(actorUri, seed);
  wipe(seed);
  return ok({ identity, chain });
}

/** Encrypt an already serialised plaintext (§6 file format). Exported for test vectors; use exportBackup. */
export function sealBackupPlaintext(
  plain: Uint8Array,
  recoveryCode: string,
  params: KdfParams,
  rng: Rng = systemRng,
): Uint8Array {
  const codeBytes = parseRecoveryCode(recoveryCode);
  if (codeBytes === undefined) throw new RangeError('invalid recovery code');
  const salt = rng(16);
  const nonce = rng(24);
  const header = concat(u8(VERSION), u8(TYPE_BACKUP), u32(params.opslimit), u32(params.memlimit), salt, nonce);
  const key = deriveKey(codeBytes, salt, params);
  sodium().memzero(codeBytes);
  const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plain, header, null, nonce, key);
  sodium().memzero(key);
  return concat(header, ct);
}

/** Throws RangeError on an invalid code or a chain state that importBackup would reject (§6). */
export function exportBackup(
  contents: BackupContents,
  recoveryCode: string,
  params: KdfParams = { opslimit: BACKUP_OPSLIMIT, memlimit: BACKUP_MEMLIMIT },
  rng: Rng = systemRng,
): Uint8Array {
  const codeBytes = parseRecoveryCode(recoveryCode);
  if (codeBytes === undefined) throw new RangeError('invalid recovery code');
  sodium().memzero(codeBytes);
  const problem = backupChainProblem(contents.chain);
  if (problem !== undefined) throw new RangeError(`backup: inconsistent chain state (${problem})`);
  const plain = encodeBackupPlaintext(contents);
  try {
    return sealBackupPlaintext(plain, recoveryCode, params, rng);
  } finally {
    sodium().memzero(plain);
  }
}

export function importBackup(file: Uint8Array, recoveryCode: string): Result<BackupContents, BackupFailureReason> {
  const codeBytes = parseRecoveryCode(recoveryCode);
  if (codeBytes === undefined) return fail('malformed_code');
  try {
    return importWithCode(file, codeBytes);
  } finally {
    sodium().memzero(codeBytes);
  }
}

function importWithCode(file: Uint8Array, codeBytes: Uint8Array): Result<BackupContents, BackupFailureReason> {
  if (!(file instanceof Uint8Array) || file.length < HEADER_LEN + 16 || file.length > MAX_BACKUP_BYTES)
    return fail('malformed', 'length');
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
    plain = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      file.slice(HEADER_LEN),
      header,
      file.slice(26, 50),
      key,
    );
  } catch {
    return fail('wrong_code_or_corrupt');
  } finally {
    if (key) sodium().memzero(key);
  }
  const contents = deserialize(plain);
  sodium().memzero(plain);
  return contents;
}
