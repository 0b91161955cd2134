// Cryptographic pieces of an envelope (docs/PROTOCOL.md §4.1-4.5): recipient lists, context hash, key wraps, commitment, body.
import { compareBytes, concat, equalCt, equalPublic, lp, u8 } from './bytes';
import { fail, ok, type Result } from './errors';
import { isValidActorUri } from './identity';
import { LABEL } from './labels';
import { hashLabelled, kdf } from './kdf';
import { MAX_RECIPIENTS } from './envelope';
import { sodium } from './sodium';

/** An account as the receiver knows it: actor URI and pinned identity key. */
export interface Party {
  readonly actorUri: string;
  readonly identityPk: Uint8Array;
}

const EMPTY_AD = new Uint8Array(0);

/**
 * Validate and canonicalise the recipients (everyone addressed except the sender): drop exact duplicates,
 * reject conflicting ones, sort by identity key. undefined when invalid.
 */
export function canonicalRecipients(sender: Party, recipients: readonly Party[]): Party[] | undefined {
  // The mention list comes from the server: bound the quadratic duplicate check.
  if (recipients.length > 4 * MAX_RECIPIENTS) return undefined;
  const out: Party[] = [];
  for (const r of recipients) {
    if (!isValidActorUri(r.actorUri) || !(r.identityPk instanceof Uint8Array) || r.identityPk.length !== 32)
      return undefined;
    if (r.actorUri === sender.actorUri || equalPublic(r.identityPk, sender.identityPk)) return undefined;
    const same = out.find((o) => o.actorUri === r.actorUri || equalPublic(o.identityPk, r.identityPk));
    if (same !== undefined) {
      if (same.actorUri === r.actorUri && equalPublic(same.identityPk, r.identityPk)) continue;
      return undefined;
    }
    out.push(r);
  }
  if (out.length < 1 || out.length > MAX_RECIPIENTS) return undefined;
  return out.sort((a, b) => compareBytes(a.identityPk, b.identityPk));
}

/** context = Hu("hush1/context", senderPk || lp(senderUri) || u8(n) || Σ (pk || lp(uri)), 32). */
export function contextHash(sender: Party, sortedRecipients: readonly Party[]): Uint8Array {
  const parts: Uint8Array[] = [sender.identityPk, lp(sender.actorUri), u8(sortedRecipients.length)];
  for (const r of sortedRecipients) parts.push(r.identityPk, lp(r.actorUri));
  return hashLabelled(LABEL.context, concat(...parts), 32);
}

export function commitmentOf(mk: Uint8Array, messageId: Uint8Array): Uint8Array {
  return kdf(mk, LABEL.commit, messageId, 32);
}

export function bodyKeyNonce(
  mk: Uint8Array,
  messageId: Uint8Array,
  index: number,
): { key: Uint8Array; nonce: Uint8Array } {
  const out = kdf(mk, LABEL.body, concat(messageId, u8(index)), 56);
  return { key: out.slice(0, 32), nonce: out.slice(32) };
}

function kek(
  ss: Uint8Array,
  epk: Uint8Array,
  prekeyPk: Uint8Array,
  messageId: Uint8Array,
): { key: Uint8Array; nonce: Uint8Array } {
  const out = kdf(ss, LABEL.kek, concat(epk, prekeyPk, messageId), 56);
  return { key: out.slice(0, 32), nonce: out.slice(32) };
}

/** Seal MK to one prekey. undefined if the prekey is a low-order point (DH result all zero). */
export function sealWrap(
  mk: Uint8Array,
  esk: Uint8Array,
  epk: Uint8Array,
  prekeyPk: Uint8Array,
  messageId: Uint8Array,
): Uint8Array | undefined {
  const s = sodium();
  let ss: Uint8Array;
  try {
    ss = s.crypto_scalarmult(esk, prekeyPk);
  } catch {
    return undefined;
  }
  const k = kek(ss, epk, prekeyPk, messageId);
  const sealed = s.crypto_aead_xchacha20poly1305_ietf_encrypt(mk, EMPTY_AD, null, k.nonce, k.key);
  s.memzero(ss);
  s.memzero(k.key);
  return sealed;
}

/** Open a wrap with one of our prekey secrets. undefined on any failure. */
export function openWrap(
  sealed: Uint8Array,
  prekeySk: Uint8Array,
  prekeyPk: Uint8Array,
  epk: Uint8Array,
  messageId: Uint8Array,
): Uint8Array | undefined {
  const s = sodium();
  let ss: Uint8Array | undefined;
  let k: { key: Uint8Array; nonce: Uint8Array } | undefined;
  try {
    ss = s.crypto_scalarmult(prekeySk, epk);
    k = kek(ss, epk, prekeyPk, messageId);
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, EMPTY_AD, k.nonce, k.key);
  } catch {
    return undefined;
  } finally {
    if (ss) s.memzero(ss);
    if (k) s.memzero(k.key);
  }
}

export function checkCommitment(mk: Uint8Array, messageId: Uint8Array, commitment: Uint8Array): boolean {
  return equalCt(commitmentOf(mk, messageId), commitment);
}

/** piece || 0x80 || 0x00* to exactly padTo bytes, then AEAD with the header as associated data. */
export function sealBody(
  mk: Uint8Array,
  messageId: Uint8Array,
  index: number,
  header: Uint8Array,
  piece: Uint8Array,
  padTo: number,
): Uint8Array {
  const padded = new Uint8Array(padTo);
  padded.set(piece);
  padded[piece.length] = 0x80;
  const { key, nonce } = bodyKeyNonce(mk, messageId, index);
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(padded, header, null, nonce, key);
  } finally {
    sodium().memzero(key);
    sodium().memzero(padded);
  }
}

export function openBody(
  mk: Uint8Array,
  messageId: Uint8Array,
  index: number,
  header: Uint8Array,
  body: Uint8Array,
): Result<Uint8Array, 'bad_ciphertext' | 'bad_padding'> {
  const { key, nonce } = bodyKeyNonce(mk, messageId, index);
  let padded: Uint8Array;
  try {
    padded = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(null, body, header, nonce, key);
  } catch {
    return fail('bad_ciphertext');
  } finally {
    sodium().memzero(key);
  }
  try {
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (end < 0 || padded[end] !== 0x80) return fail('bad_padding');
    return ok(padded.slice(0, end));
  } finally {
    sodium().memzero(padded);
  }
}

/** Ed25519 verification that never throws (a malformed key is just a failed verification). */
export function verifySig(sig: Uint8Array, message: Uint8Array, pk: Uint8Array): boolean {
  try {
    return sodium().crypto_sign_verify_detached(sig, message, pk);
  } catch {
    return false;
  }
}
