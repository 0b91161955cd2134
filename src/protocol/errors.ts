// Typed results: parsers of outside data return these and never throw.

export type Result<T, R extends string> = { readonly ok: true; readonly value: T } | Failure<R>;

export interface Failure<R extends string> {
  readonly ok: false;
  readonly reason: R;
  readonly detail?: string;
}

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail<R extends string>(reason: R, detail?: string): Failure<R> {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

/** Reasons a received message (one or more chunks) is rejected. See docs/PROTOCOL.md §4.10 and §7. */
export type DecryptFailureReason =
  | 'not_hush'
  | 'malformed_text'
  | 'malformed'
  | 'unsupported_version'
  | 'sender_mismatch'
  | 'not_a_recipient'
  | 'recipients_mismatch'
  | 'bad_signature'
  | 'revoked_key'
  | 'future_timestamp'
  | 'chunk_conflict'
  | 'incomplete'
  | 'expired_prekey'
  | 'unknown_prekey'
  | 'wrap_failed'
  | 'bad_commitment'
  | 'bad_ciphertext'
  | 'bad_padding'
  | 'bad_utf8';

export type BundleFailureReason = 'not_hush' | 'malformed' | 'unsupported_version' | 'bad_signature';

export type EncryptFailureReason = 'bad_recipients' | 'budget_too_small' | 'too_long' | 'bad_prekey' | 'bad_input';

export type BackupFailureReason =
  'malformed_code' | 'malformed' | 'unsupported_version' | 'unsupported_params' | 'wrong_code_or_corrupt';
