/**
 * The popup's one seam to the key life cycle (issue #5). Views depend on these view types and
 * functions only; each function maps to a message of src/messaging/keys-messages.ts. Where the
 * background does not offer a message yet, the function answers `notBuilt` and the view says so:
 * the UI never shows made-up keys, contacts or numbers.
 */
import { fail, type Reply } from '../messaging/result';

export type Trust = 'unverified' | 'verified' | 'changed';
export type AccountState = 'not_enabled' | 'enabled' | 'locked' | 'revoked';

export interface AccountStatus {
  readonly state: AccountState;
  readonly acct: string;
  readonly fingerprint: string | null;
  /** Profile fields when all four are taken and Hush must replace one to publish its key. */
  readonly fieldChoice: readonly { readonly index: number; readonly name: string }[] | null;
}

export interface ContactSummary {
  readonly acct: string;
  readonly trust: Trust;
  readonly fingerprint: string;
}

export interface ContactDetail extends ContactSummary {
  /** 60 digits. */
  readonly safetyDigits: string;
  /** Bytes to encode in the QR code (the protocol's 65-byte payload). */
  readonly qrPayload: Uint8Array;
}

export interface KeyChange {
  readonly acct: string;
  readonly oldFingerprint: string;
  readonly newFingerprint: string;
  readonly changedAt: number;
  /** The instance that served the new key. */
  readonly servedBy: string;
}

export interface MyKeys {
  readonly acct: string;
  readonly fingerprint: string;
  readonly qrPayload: Uint8Array;
  readonly hasPassphrase: boolean;
  readonly locked: boolean;
}

export interface BackupFile {
  readonly fileName: string;
  readonly contents: string;
  /** Shown once; the backup cannot be restored without it. */
  readonly recoveryCode: string;
}

export interface Strength {
  /** 0 (very weak) .. 4 (strong). */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly acceptable: boolean;
}

export interface KeySettings {
  readonly rotationDays: number;
  readonly graceDays: number;
  readonly autoLockMinutes: number;
}

/** The account a popup action is about: the instance origin and the account id there. */
export interface AccountRef {
  readonly origin: string;
  readonly accountId: string;
}

const NOT_BUILT = 'not offered by this version of the background';
const notBuilt = (): Promise<Reply<never>> => Promise.resolve(fail('unavailable', NOT_BUILT));

/** True when a reply says the background has no such feature yet (as opposed to being down). */
export const isNotBuilt = (r: Reply<unknown>): boolean => !r.ok && r.error.code === 'unavailable' && r.error.message === NOT_BUILT;

/* eslint-disable @typescript-eslint/no-unused-vars -- parameters document the contract until the messages land */
export const keysApi = {
  status: (account: AccountRef): Promise<Reply<AccountStatus>> => notBuilt(),
  enable: (account: AccountRef, replaceField: number | null): Promise<Reply<AccountStatus>> => notBuilt(),
  contacts: (account: AccountRef, query: string): Promise<Reply<readonly ContactSummary[]>> => notBuilt(),
  contact: (account: AccountRef, acct: string): Promise<Reply<ContactDetail>> => notBuilt(),
  markVerified: (account: AccountRef, acct: string, fingerprint: string): Promise<Reply<ContactSummary>> => notBuilt(),
  keyChange: (account: AccountRef, acct: string): Promise<Reply<KeyChange>> => notBuilt(),
  resolveKeyChange: (account: AccountRef, acct: string, accept: boolean): Promise<Reply<ContactSummary>> => notBuilt(),
  myKeys: (account: AccountRef): Promise<Reply<MyKeys>> => notBuilt(),
  exportBackup: (account: AccountRef): Promise<Reply<BackupFile>> => notBuilt(),
  importBackup: (account: AccountRef, contents: string, recoveryCode: string): Promise<Reply<AccountStatus>> => notBuilt(),
  strength: (passphrase: string): Promise<Reply<Strength>> => notBuilt(),
  setPassphrase: (account: AccountRef, passphrase: string): Promise<Reply<MyKeys>> => notBuilt(),
  unlock: (account: AccountRef, passphrase: string): Promise<Reply<MyKeys>> => notBuilt(),
  lock: (account: AccountRef): Promise<Reply<MyKeys>> => notBuilt(),
  revoke: (account: AccountRef): Promise<Reply<AccountStatus>> => notBuilt(),
  getSettings: (): Promise<Reply<KeySettings>> => notBuilt(),
  setSettings: (change: Partial<KeySettings>): Promise<Reply<KeySettings>> => notBuilt(),
};
/* eslint-enable @typescript-eslint/no-unused-vars */
