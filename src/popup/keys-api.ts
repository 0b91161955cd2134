/**
 * The popup's one seam to the key life cycle (src/messaging/keys-messages.ts, issue #5). Views
 * depend on these functions and the `Outcome` type only. Transport/validation failures arrive as
 * `error` (a HushError); refusals the background decides on (wrong passphrase, locked, not found…)
 * arrive as `reason`, which the UI turns into a localised sentence. Nothing here invents data.
 */
import { send } from '../messaging/client';
import type {
  KeysAccountStatus,
  KeysBackupExport,
  KeysContactSummary,
  KeysMyKeys,
  KeysSettings,
  KeysStrength,
} from '../messaging/keys-messages';
import type { HushError, Reply } from '../messaging/result';
import { unb64 } from '../messaging/encoding';
import { identityChangeOf, type IdentityChangeInfo } from './identity';
import { loadStrength } from './strength-loader';

export type { IdentityChangeInfo, IdentitySide } from './identity';

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: HushError; readonly reason?: undefined }
  | { readonly ok: false; readonly reason: string; readonly error?: undefined };
export type Failed = Outcome<never> & { ok: false };

export type AccountStatus = KeysAccountStatus;
export type ContactSummary = KeysContactSummary;
export type MyKeys = KeysMyKeys;
export type Strength = KeysStrength;
export type KeySettings = KeysSettings;
export type Trust = KeysContactSummary['trust'];

export interface AccountRef {
  readonly origin: string;
  readonly accountId: string;
}

export interface KeyChangeInfo {
  readonly oldFingerprint: string;
  readonly newFingerprint: string;
  /** Milliseconds since the epoch. */
  readonly changedAt: number;
  readonly servedBy: readonly string[];
  readonly keptBlocked: boolean;
}

export interface ContactDetail {
  readonly contact: ContactSummary;
  readonly safetyDigits: string;
  readonly qrPayload: Uint8Array;
  readonly keyChange: KeyChangeInfo | null;
  readonly identityChange: IdentityChangeInfo | null;
}

export type EnableResult =
  | { readonly kind: 'enabled'; readonly status: AccountStatus }
  | { readonly kind: 'fields_full'; readonly fields: readonly { readonly index: number; readonly name: string }[] };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const refused = (reason: string): Failed => ({ ok: false, reason });

/** Lifts a transport reply; `pick` turns the background's domain answer into a value or a refusal. */
async function call<R, T>(reply: Promise<Reply<R>>, pick: (r: R) => Outcome<T>): Promise<Outcome<T>> {
  const r = await reply;
  return r.ok ? pick(r.value) : { ok: false, error: r.error };
}

export const keysApi = {
  status: (account: AccountRef) => call(send('keys/status', { account }), ok),
  enable: (account: AccountRef, replaceField: number | null) =>
    call(send('keys/enable', { account, replaceField }), (r): Outcome<EnableResult> =>
      r.result === 'enabled'
        ? ok({ kind: 'enabled', status: r.status })
        : r.result === 'fields_full'
          ? ok({ kind: 'fields_full', fields: r.fields })
          : refused(r.reason),
    ),
  sync: (account: AccountRef) => call(send('keys/sync', { account }), ok),
  contacts: (account: AccountRef, query: string) =>
    call(send('keys/contacts', { account, query }), (r) => ok(r.contacts)),
  contact: (account: AccountRef, acct: string, refresh = false) =>
    call(send('keys/contact', { account, acct, refresh }), (r): Outcome<ContactDetail> => {
      if (r.result !== 'ok') return refused(r.result);
      const qr = unb64(r.qrPayload) ?? null;
      if (qr === null) return refused('corrupt');
      const kc = r.keyChange;
      return ok({
        contact: r.contact,
        safetyDigits: r.safetyDigits,
        qrPayload: qr,
        // The background speaks Unix seconds; the UI formats milliseconds.
        keyChange: kc ? { ...kc, changedAt: kc.changedAt * 1000 } : null,
        identityChange: identityChangeOf(r),
      });
    }),
  markVerified: (account: AccountRef, acct: string, fingerprint: string) =>
    call(send('keys/contact-verify', { account, acct, fingerprint }), (r) =>
      r.result === 'verified' ? ok(r.contact) : refused(r.result),
    ),
  resolveKeyChange: (account: AccountRef, acct: string, accept: boolean, newFingerprint: string) =>
    call(send('keys/key-change-resolve', { account, acct, accept, newFingerprint }), (r) =>
      r.result === 'accepted' || r.result === 'kept_blocked' ? ok(r.contact) : refused(r.result),
    ),
  myKeys: (account: AccountRef) =>
    call(send('keys/my-keys', { account }), (r) => (r.result === 'ok' ? ok(r.keys) : refused(r.result))),
  exportBackup: (account: AccountRef) =>
    call(send('keys/backup-export', { account }), (r: KeysBackupExport) =>
      r.result === 'ok' ? ok(r) : refused(r.result),
    ),
  importBackup: (account: AccountRef, contents: string, recoveryCode: string, replaceExisting: boolean) =>
    call(send('keys/backup-import', { account, contents, recoveryCode, replaceExisting }), (r) =>
      r.result === 'imported' ? ok(r.status) : refused(r.result),
    ),
  /** Judged in this page (zxcvbn loaded on demand), never by the background: see strength-loader.ts. */
  strength: async (passphrase: string): Promise<Outcome<Strength>> => {
    try {
      return ok((await loadStrength())(passphrase));
    } catch (e) {
      return { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
    }
  },
  /** A passphrase scoring under 3 is refused here ('weak'), before it reaches the background. */
  setPassphrase: async (passphrase: string, current: string | null): Promise<Outcome<Strength>> => {
    const judged = await keysApi.strength(passphrase);
    if (!judged.ok) return judged;
    if (!judged.value.acceptable) return refused('weak');
    return call(send('keys/passphrase-set', { passphrase, current }), (r) =>
      r.result === 'ok' ? ok(judged.value) : refused(r.result),
    );
  },
  unlock: (passphrase: string) =>
    call(send('keys/unlock', { passphrase }), (r) => (r.result === 'ok' ? ok(true) : refused(r.result))),
  lock: () => call(send('keys/lock', {}), (r) => ok(r.locked)),
  revoke: (account: AccountRef, reason: 'unspecified' | 'compromised') =>
    call(send('keys/revoke', { account, reason }), (r) => (r.result === 'revoked' ? ok(r.status) : refused(r.reason))),
  getSettings: () => call(send('keys/settings-get', {}), ok),
  setSettings: (change: Partial<KeySettings>) => call(send('keys/settings-set', change), ok),
};
