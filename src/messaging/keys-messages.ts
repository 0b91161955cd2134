/**
 * Runtime messages of the key life cycle (issue #5): enable, publish, contacts, verification,
 * backup, lock. Owned by the keys area; merged into the request table in messages.ts. Every one
 * is for extension pages only (popup, options): content scripts and frames never drive keys.
 * No reply carries secret key bytes; bytes travel as base64url strings (Chrome serialises
 * messages as JSON). Domain failures are values in the reply (`result`), not error codes.
 */
import * as v from 'valibot';
import type { RequestSpec } from './messages';

/** Background -> content script (tabs.sendMessage): "give me the page's token for this operation". */
export const ACCOUNT_TOKEN_REQUEST = 'hush/account-token';
export interface AccountTokenReply {
  readonly accountId: string;
  readonly token: string;
}

const Account = v.strictObject({
  origin: v.pipe(v.string(), v.maxLength(300), v.regex(/^https?:\/\/[^/\s]+$/)),
  accountId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
});
const Acct = v.pipe(v.string(), v.minLength(1), v.maxLength(400));
const Fingerprint = v.pipe(v.string(), v.regex(/^[0-9a-z]{4}( [0-9a-z]{4}){5}$/));
const Passphrase = v.pipe(v.string(), v.minLength(1), v.maxLength(1024));
const PAGE = ['extension-page'] as const;

export const keysRequests = {
  'keys/status': { payload: v.strictObject({ account: Account }), from: PAGE },
  'keys/enable': {
    payload: v.strictObject({
      account: Account,
      replaceField: v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(63))),
    }),
    from: PAGE,
  },
  'keys/sync': { payload: v.strictObject({ account: Account }), from: PAGE },
  'keys/revoke': {
    payload: v.strictObject({ account: Account, reason: v.picklist(['unspecified', 'compromised', 'superseded']) }),
    from: PAGE,
  },
  'keys/my-keys': { payload: v.strictObject({ account: Account }), from: PAGE },
  'keys/contacts': {
    payload: v.strictObject({ account: Account, query: v.pipe(v.string(), v.maxLength(200)) }),
    from: PAGE,
  },
  'keys/contact': {
    payload: v.strictObject({ account: Account, acct: Acct, refresh: v.optional(v.boolean(), false) }),
    from: PAGE,
  },
  'keys/contact-verify': {
    payload: v.strictObject({ account: Account, acct: Acct, fingerprint: Fingerprint }),
    from: PAGE,
  },
  /** The user scanned the contact's safety QR code: verified only if it equals ours (constant time). */
  'keys/contact-verify-qr': {
    payload: v.strictObject({ account: Account, acct: Acct, scanned: v.pipe(v.string(), v.maxLength(200)) }),
    from: PAGE,
  },
  'keys/key-change-resolve': {
    payload: v.strictObject({ account: Account, acct: Acct, accept: v.boolean(), newFingerprint: Fingerprint }),
    from: PAGE,
  },
  'keys/backup-export': { payload: v.strictObject({ account: Account }), from: PAGE },
  'keys/backup-import': {
    payload: v.strictObject({
      account: Account,
      contents: v.pipe(v.string(), v.maxLength(100_000)),
      recoveryCode: v.pipe(v.string(), v.maxLength(100)),
      replaceExisting: v.optional(v.boolean(), false),
    }),
    from: PAGE,
  },
  'keys/passphrase-set': {
    payload: v.strictObject({ passphrase: Passphrase, current: v.nullable(Passphrase) }),
    from: PAGE,
  },
  'keys/unlock': { payload: v.strictObject({ passphrase: Passphrase }), from: PAGE },
  'keys/lock': { payload: v.strictObject({}), from: PAGE },
  'keys/settings-get': { payload: v.strictObject({}), from: PAGE },
  'keys/settings-set': {
    payload: v.strictObject({
      rotationDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))),
      graceDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))),
      autoLockMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(24 * 60))),
    }),
    from: PAGE,
  },
} as const satisfies Record<string, RequestSpec>;

export type KeysAccountState = 'not_enabled' | 'enabled' | 'locked' | 'revoked';
export type KeysTrust = 'unverified' | 'verified' | 'changed';

export interface KeysAccountStatus {
  readonly state: KeysAccountState;
  /** user@domain once enabled. */
  readonly acct: string | null;
  readonly fingerprint: string | null;
  readonly hasPassphrase: boolean;
  /** Publishing of the current prekey: `failing` once several retries failed (tell the user). */
  readonly publish: {
    readonly publishedEpoch: number | null;
    readonly currentEpoch: number;
    readonly pending: boolean;
    readonly failing: boolean;
    readonly lastError: string | null;
  } | null;
}

export type KeysEnableReply =
  | { readonly result: 'enabled'; readonly status: KeysAccountStatus }
  /** All profile fields are taken: ask which one to give up, then send keys/enable with replaceField. */
  | { readonly result: 'fields_full'; readonly fields: readonly { readonly index: number; readonly name: string }[] }
  | {
      readonly result: 'error';
      readonly reason: 'no_tab' | 'account_mismatch' | 'network' | 'locked' | 'bad_choice' | 'publish_failed';
      readonly message: string;
    };

export interface KeysContactSummary {
  readonly acct: string;
  readonly actorUri: string;
  readonly trust: KeysTrust;
  readonly fingerprint: string;
  /** What blocks sending, if anything. */
  readonly state: 'ready' | 'key_changed' | 'revoked' | 'no_key' | 'disagreement';
  readonly warning: { readonly homeInstance: string; readonly originInstance: string; readonly at: number } | null;
  readonly revoked: { readonly revokedAt: number; readonly reason: string } | null;
}

export interface KeysKeyChange {
  readonly oldFingerprint: string;
  readonly newFingerprint: string;
  /** Unix seconds when the new key was first seen. */
  readonly changedAt: number;
  /** Instance origins that served the new key. */
  readonly servedBy: readonly string[];
  readonly keptBlocked: boolean;
}

/** One side of an identity change (issue #21). fingerprint null: no usable Hush key. */
export interface KeysIdentitySide {
  readonly acct: string;
  readonly actorUri: string;
  readonly fingerprint: string | null;
  /** Instance origins that served this side ([] when not recorded). */
  readonly servedBy: readonly string[];
}

/**
 * A blocked identity change (background/contacts/identity-view.ts): the contact as pinned and what
 * the instances now say. Resolved through keys/key-change-resolve with newFingerprint = decisionFingerprint.
 */
export interface KeysIdentityChange {
  readonly before: KeysIdentitySide;
  readonly after: KeysIdentitySide;
  /** Unix seconds. */
  readonly changedAt: number;
  readonly keptBlocked: boolean;
  readonly decisionFingerprint: string;
}

export type KeysContactDetail =
  | {
      readonly result: 'ok';
      readonly contact: KeysContactSummary;
      /** 60 digits and the display form (12 groups of 5). */
      readonly safetyDigits: string;
      readonly safetyDisplay: string;
      /** The protocol's 65-byte QR payload, base64url. */
      readonly qrPayload: string;
      readonly keyChange: KeysKeyChange | null;
      readonly identityChange: KeysIdentityChange | null;
      readonly previousKeys: readonly { readonly fingerprint: string; readonly replacedAt: number }[];
    }
  | { readonly result: 'not_found' | 'not_enabled' | 'locked'; readonly message: string };

export interface KeysMyKeys {
  readonly acct: string;
  readonly fingerprint: string;
  /** Text to encode in a QR code for others to compare fingerprints (public). */
  readonly qrPayload: string;
  readonly hasPassphrase: boolean;
  readonly locked: boolean;
  readonly epoch: number;
}

export type KeysBackupExport =
  | {
      readonly result: 'ok';
      readonly fileName: string;
      /** base64url of the encrypted file. */ readonly contents: string;
      /** Shown once. */ readonly recoveryCode: string;
    }
  | { readonly result: 'not_enabled' | 'locked'; readonly message: string };

export type KeysBackupImport =
  | { readonly result: 'imported'; readonly status: KeysAccountStatus }
  | {
      readonly result:
        | 'malformed_code'
        | 'wrong_code_or_corrupt'
        | 'unsupported'
        | 'wrong_account'
        | 'exists'
        | 'locked'
        | 'no_account';
      readonly message: string;
    };

export interface KeysStrength {
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly acceptable: boolean;
  readonly warning: string;
  readonly suggestions: readonly string[];
}

export interface KeysSettings {
  readonly rotationDays: number;
  readonly graceDays: number;
  readonly autoLockMinutes: number;
}

export interface KeysResponses {
  'keys/status': KeysAccountStatus;
  'keys/enable': KeysEnableReply;
  'keys/sync': KeysAccountStatus;
  'keys/revoke':
    | { readonly result: 'revoked'; readonly status: KeysAccountStatus }
    | { readonly result: 'error'; readonly reason: string; readonly message: string };
  'keys/my-keys':
    { readonly result: 'ok'; readonly keys: KeysMyKeys } | { readonly result: 'not_enabled'; readonly message: string };
  'keys/contacts': { readonly contacts: readonly KeysContactSummary[] };
  'keys/contact': KeysContactDetail;
  'keys/contact-verify':
    | { readonly result: 'verified'; readonly contact: KeysContactSummary }
    | { readonly result: 'mismatch' | 'not_found'; readonly message: string };
  'keys/contact-verify-qr':
    | { readonly result: 'verified'; readonly contact: KeysContactSummary }
    | { readonly result: 'mismatch' | 'not_found'; readonly message: string };
  'keys/key-change-resolve':
    | { readonly result: 'accepted' | 'kept_blocked'; readonly contact: KeysContactSummary }
    | { readonly result: 'mismatch' | 'not_found'; readonly message: string };
  'keys/backup-export': KeysBackupExport;
  'keys/backup-import': KeysBackupImport;
  'keys/passphrase-set': { readonly result: 'ok' | 'wrong_passphrase' | 'corrupt' };
  'keys/unlock': { readonly result: 'ok' | 'wrong_passphrase' | 'no_passphrase' };
  'keys/lock': { readonly locked: boolean };
  'keys/settings-get': KeysSettings;
  'keys/settings-set': KeysSettings;
}
