/**
 * What the key store keeps in browser.storage.local, schema version 3. Bytes are base64url.
 * Keys: `hush:schema` (number), `hush:account:<origin>#<id>` (one record per own account),
 * `hush:contacts` (all contacts, one record), `hush:revoked-unpinned` (revocations shown by actors
 * with no contact), `hush:settings`, `hush:vault` (passphrase check).
 * (`hush:seen:<origin>#<id>`, the old replay memory, is dropped at start: overlay/message-store.ts.)
 * Each record is written whole in one `set`, so a write is atomic.
 */
export const SCHEMA_VERSION = 3;
export const SCHEMA_KEY = 'hush:schema';
export const ACCOUNT_PREFIX = 'hush:account:';
export const CONTACTS_KEY = 'hush:contacts';
export const SETTINGS_KEY = 'hush:settings';
export const VAULT_KEY = 'hush:vault';
/** Revocations seen for actors with no contact (UnpinnedRevocation[], newest last, bounded). */
export const REVOKED_UNPINNED_KEY = 'hush:revoked-unpinned';

export const accountKey = (origin: string, accountId: string): string => `${ACCOUNT_PREFIX}${origin}#${accountId}`;

export interface ChainRecord {
  readonly origin: number;
  readonly period: number;
  readonly epoch: number;
  readonly chainSecret: string;
  readonly retained: readonly { readonly epoch: number; readonly secretKey: string }[];
}

/** Secret material in the clear (no passphrase set). */
export interface PlainSecrets {
  readonly kind: 'plain';
  readonly identitySeed: string;
  readonly chain: ChainRecord;
}

/** Secret material sealed under the vault key (XChaCha20-Poly1305, AD = the account's storage key). */
export interface SealedSecrets {
  readonly kind: 'sealed';
  readonly nonce: string;
  readonly ct: string;
}

export interface PublishState {
  /** Epoch we still have to publish (null: the published bundle is current). */
  readonly wantEpoch: number | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly lastAttemptAt: number | null;
}

export interface AccountRecord {
  readonly v: 2;
  readonly origin: string;
  readonly accountId: string;
  /** user@domain. */
  readonly acct: string;
  readonly actorUri: string;
  readonly identityPk: string;
  readonly createdAt: number;
  readonly status: 'active' | 'revoked';
  readonly revokedAt: number | null;
  readonly secrets: PlainSecrets | SealedSecrets;
  /** Public chain parameters, readable while locked (rotation scheduling, status). */
  readonly chainInfo: {
    readonly origin: number;
    readonly period: number;
    readonly epoch: number;
    readonly oldestEpoch: number;
  };
  readonly published: { readonly epoch: number; readonly at: number; readonly kind: 'bundle' | 'revocation' } | null;
  readonly publish: PublishState;
}

export type Trust = 'unverified' | 'verified';

export interface PinnedKey {
  readonly identityPk: string;
  readonly fingerprint: string;
  readonly firstSeen: number;
  readonly trust: Trust;
  readonly verifiedAt: number | null;
}

export interface PendingChange {
  readonly identityPk: string;
  readonly fingerprint: string;
  readonly epoch: number;
  readonly prekeyPk: string;
  readonly seenAt: number;
  /** Instances (origins) that served the new key. */
  readonly servedBy: readonly string[];
  /** The user looked at it and chose to keep the contact blocked. */
  readonly keptBlocked: boolean;
}

/** A signed revocation seen for one of the contact's keys (the key's own signature). */
export interface KeyRevocation {
  readonly revokedAt: number;
  readonly reason: string;
  readonly seenAt: number;
}

/** An earlier pinned key. It keeps its revocation, if any: a revoked key is dead for good. */
export type HistoryKey = PinnedKey & { readonly replacedAt: number; readonly revoked: KeyRevocation | null };

/** An identity key of this contact seen revoked (pinned, earlier or offered): never pinned or offered again. */
export interface DeadKey extends KeyRevocation {
  readonly identityPk: string;
  readonly fingerprint: string;
  /**
   * The revocation of a key this contact was never seen with (its profile showed it before the key
   * itself): kept apart and bounded on its own (contacts/tofu.ts), as anyone can mint such
   * revocations for throwaway keys, so they never evict the revocation of a key that was seen.
   */
  readonly unseen?: true;
}

/**
 * A revocation shown by an actor no contact is pinned for (a first contact whose profile shows only
 * a revocation): remembered so that the revoked key is not pinned later (issue #21 leftover).
 */
export interface UnpinnedRevocation extends DeadKey {
  readonly actorUri: string;
}

/**
 * The contact's handle now resolves to another actor URI, or its actor URI shows another handle
 * (issue #21): blocked until the user reviews it. The old side is the contact itself (acct,
 * actorUri, pinned key, servedBy); this is the new side, as discovery confirmed it.
 */
export interface IdentityChange {
  readonly acct: string;
  readonly actorUri: string;
  /** The new actor's identity key and bundle; null when it carries no usable key. */
  readonly identityPk: string | null;
  readonly fingerprint: string | null;
  readonly epoch: number | null;
  readonly prekeyPk: string | null;
  /** Instances (origins) that served the new binding. */
  readonly servedBy: readonly string[];
  readonly seenAt: number;
  readonly keptBlocked: boolean;
}

/**
 * The pinned contact's profile stopped carrying its key (issue #21, a downgrade): the field is gone
 * ('none'), broken ('invalid'), or shows a key already revoked ('dead_key'). The pinned key stays
 * in use and the compose UI says "key withdrawn"; a valid bundle of the pinned key clears it.
 */
export interface Withdrawn {
  readonly kind: 'none' | 'invalid' | 'dead_key';
  readonly detail: string;
  readonly at: number;
  readonly servedBy: readonly string[];
}

export interface Contact {
  readonly actorUri: string;
  /** user@domain, bound to actorUri at first contact; changes only by an accepted identity change. */
  readonly acct: string;
  readonly pinned: PinnedKey;
  /** Latest verified bundle of the pinned key. null when the pinned key was revoked. */
  readonly bundle: { readonly epoch: number; readonly prekeyPk: string; readonly fetchedAt: number } | null;
  /** Highest epoch ever accepted for the pinned key (rollback guard). */
  readonly maxEpoch: number;
  /** Earlier pinned keys: messages they signed still verify, shown as that key (unless revoked). */
  readonly history: readonly HistoryKey[];
  readonly pendingChange: PendingChange | null;
  readonly revoked: KeyRevocation | null;
  readonly warning: {
    readonly kind: 'disagreement';
    readonly homeInstance: string;
    readonly originInstance: string;
    readonly at: number;
  } | null;
  readonly checkedAt: number;
  /** Instances (origins) that served the pinned binding when it was last confirmed ([] when not recorded). */
  readonly servedBy: readonly string[];
  /**
   * Keys this contact was seen with and then seen revoked, oldest first: every revocation as
   * compromised (at most 128, never evicted), and the newest 32 others (contacts/tofu.ts).
   */
  readonly deadKeys: readonly DeadKey[];
  readonly identityChange: IdentityChange | null;
  readonly withdrawn: Withdrawn | null;
}

export interface ContactsRecord {
  readonly v: 3;
  readonly contacts: readonly Contact[];
}

export interface Settings {
  readonly rotationPeriodSeconds: number;
  readonly graceSeconds: number;
  /** 0 = never. */
  readonly autoLockSeconds: number;
}

export const DEFAULT_SETTINGS: Settings = {
  rotationPeriodSeconds: 7 * 86400,
  graceSeconds: 30 * 86400,
  autoLockSeconds: 15 * 60,
};

export interface VaultRecord {
  readonly salt: string;
  readonly opslimit: number;
  readonly memlimit: number;
  /** AEAD of a constant under the vault key: tells a wrong passphrase from corrupt data. */
  readonly checkNonce: string;
  readonly check: string;
}
