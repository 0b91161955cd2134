// Key bundle and revocation record, each fitting one Mastodon profile field (docs/PROTOCOL.md §3).
import { concat, equalPublic, fromBase64Url, lp, readU32, toBase64Url, u32, u8 } from './bytes';
import { fail, ok, type BundleFailureReason, type Result } from './errors';
import { isValidActorUri, type Identity } from './identity';
import { LABEL, VERSION } from './labels';
import { sodium } from './sodium';

export const BUNDLE_PREFIX = 'Hush encryption key';
export const REVOCATION_PREFIX = 'Hush key revoked';
export const PROFILE_FIELD_NAME = 'Hush';
export const PROFILE_FIELD_MAX = 255;
const MAX_FIELD_TEXT = 1024;
const TYPE_BUNDLE = 0x01;
const TYPE_REVOCATION = 0x02;
const BUNDLE_LEN = 134;
const REVOCATION_LEN = 103;

export interface Bundle {
  readonly epoch: number;
  readonly identityPk: Uint8Array;
  readonly prekeyPk: Uint8Array;
  readonly signature: Uint8Array;
  /** The bytes the signature covers after the labels (version..prekey). */
  readonly body: Uint8Array;
}

export type RevocationReason = 'unspecified' | 'compromised' | 'superseded';
const REASONS: readonly RevocationReason[] = ['unspecified', 'compromised', 'superseded'];

export interface Revocation {
  readonly identityPk: Uint8Array;
  readonly revokedAt: number;
  readonly reason: RevocationReason;
  readonly signature: Uint8Array;
  readonly body: Uint8Array;
}

function signedInput(label: string, actorUri: string, body: Uint8Array): Uint8Array {
  return concat(lp(label), lp(actorUri), body);
}

export function encodeBundleBytes(identity: Identity, epoch: number, prekeyPk: Uint8Array): Uint8Array {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > 0xffffffff) throw new RangeError('epoch must be u32');
  if (prekeyPk.length !== 32) throw new RangeError('prekey must be 32 bytes');
  const body = concat(u8(VERSION), u8(TYPE_BUNDLE), u32(epoch), identity.publicKey, prekeyPk);
  const sig = sodium().crypto_sign_detached(signedInput(LABEL.bundleSig, identity.actorUri, body), identity.secretKey);
  return concat(body, sig);
}

/** The profile field value: "Hush encryption key " + base64url (199 code points). */
export function encodeBundle(identity: Identity, epoch: number, prekeyPk: Uint8Array): string {
  return `${BUNDLE_PREFIX} ${toBase64Url(encodeBundleBytes(identity, epoch, prekeyPk))}`;
}

function decodeField(text: string, prefix: string, type: number, len: number): Result<Uint8Array, BundleFailureReason> {
  if (typeof text !== 'string') return fail('malformed', 'not a string');
  if (text.length > MAX_FIELD_TEXT) return fail('malformed', 'field too long');
  const t = text.trim();
  // The prefix must be followed by ASCII space(s) (U+0020 only); "Hush encryption keyX" is not ours (§3.4 step 3).
  if (!t.startsWith(`${prefix} `)) return fail('not_hush');
  const token = t.slice(prefix.length).replace(/^ +/, '');
  const bytes = fromBase64Url(token);
  if (bytes === undefined) return fail('malformed', 'bad base64url');
  if (bytes.length < 2) return fail('malformed', 'too short');
  if (bytes[0] !== VERSION) return fail('unsupported_version', `version ${bytes[0] ?? -1}`);
  if (bytes[1] !== type) return fail('malformed', 'wrong record type');
  if (bytes.length !== len) return fail('malformed', `length ${bytes.length}`);
  return ok(bytes);
}

/** Parse a profile field value (text, whitespace tolerated). Does NOT verify: call verifyBundle. */
export function parseBundle(text: string): Result<Bundle, BundleFailureReason> {
  const r = decodeField(text, BUNDLE_PREFIX, TYPE_BUNDLE, BUNDLE_LEN);
  if (!r.ok) return r;
  const b = r.value;
  return ok({
    epoch: readU32(b, 2),
    identityPk: b.slice(6, 38),
    prekeyPk: b.slice(38, 70),
    signature: b.slice(70),
    body: b.slice(0, 70),
  });
}

/** Verify the bundle's signature for the actor URI taken from the account JSON (not from the bundle). */
export function verifyBundle(bundle: Bundle, actorUri: string): Result<Bundle, BundleFailureReason> {
  if (!isValidActorUri(actorUri)) return fail('malformed', 'actor URI length');
  const good = sodium().crypto_sign_verify_detached(
    bundle.signature,
    signedInput(LABEL.bundleSig, actorUri, bundle.body),
    bundle.identityPk,
  );
  return good ? ok(bundle) : fail('bad_signature');
}

export function parseAndVerifyBundle(text: string, actorUri: string): Result<Bundle, BundleFailureReason> {
  const p = parseBundle(text);
  return p.ok ? verifyBundle(p.value, actorUri) : p;
}

/** True when `candidate` is older than an epoch already seen for this identity: reject it. */
export function isEpochRollback(seenEpoch: number | undefined, candidateEpoch: number): boolean {
  return seenEpoch !== undefined && candidateEpoch < seenEpoch;
}

export type BundleUpdate = 'ok' | 'same' | 'epoch_rollback' | 'equivocation' | 'identity_changed';

/** What the key store should make of a newly fetched (verified) bundle given the pinned one. */
export function checkBundleUpdate(pinned: Bundle | undefined, candidate: Bundle): BundleUpdate {
  if (pinned === undefined) return 'ok';
  if (!equalPublic(pinned.identityPk, candidate.identityPk)) return 'identity_changed';
  if (isEpochRollback(pinned.epoch, candidate.epoch)) return 'epoch_rollback';
  if (pinned.epoch === candidate.epoch)
    return equalPublic(pinned.prekeyPk, candidate.prekeyPk) ? 'same' : 'equivocation';
  return 'ok';
}

export function encodeRevocation(identity: Identity, revokedAt: number, reason: RevocationReason): string {
  if (!Number.isSafeInteger(revokedAt) || revokedAt < 0 || revokedAt > 0xffffffff)
    throw new RangeError('time must be u32');
  const body = concat(
    u8(VERSION),
    u8(TYPE_REVOCATION),
    identity.publicKey,
    u32(revokedAt),
    u8(REASONS.indexOf(reason)),
  );
  const sig = sodium().crypto_sign_detached(
    signedInput(LABEL.revocationSig, identity.actorUri, body),
    identity.secretKey,
  );
  return `${REVOCATION_PREFIX} ${toBase64Url(concat(body, sig))}`;
}

/**
 * The revocation rule (§3.6): does a VERIFIED revocation of the key that signed a message refuse that message?
 * 'compromised' refuses everything, whatever created_at the message claims (the thief can write any time);
 * 'unspecified' and 'superseded' refuse messages created at or after revokedAt. Anything else fails closed.
 */
export function revocationRefuses(
  revocation: { readonly reason: RevocationReason; readonly revokedAt: number },
  createdAt: number,
): boolean {
  if (revocation.reason === 'unspecified' || revocation.reason === 'superseded')
    return !(createdAt < revocation.revokedAt);
  return true;
}

/** Parse AND verify a revocation record for the given actor URI. */
export function parseRevocation(text: string, actorUri: string): Result<Revocation, BundleFailureReason> {
  const r = decodeField(text, REVOCATION_PREFIX, TYPE_REVOCATION, REVOCATION_LEN);
  if (!r.ok) return r;
  const b = r.value;
  const reason = REASONS[b[38] ?? 255];
  if (reason === undefined) return fail('malformed', 'unknown revocation reason');
  if (!isValidActorUri(actorUri)) return fail('malformed', 'actor URI length');
  const body = b.slice(0, 39);
  const signature = b.slice(39);
  const identityPk = b.slice(2, 34);
  if (!sodium().crypto_sign_verify_detached(signature, signedInput(LABEL.revocationSig, actorUri, body), identityPk))
    return fail('bad_signature');
  return ok({ identityPk, revokedAt: readU32(b, 34), reason, signature, body });
}
