/**
 * The contract between the key life cycle (issue #5, background/keys, contacts, storage,
 * network) and the overlay (issue #8, background/overlay + content + frames). The overlay never
 * touches secret keys or the protocol's key material: it asks these services, which answer with
 * values it can show. Implemented by the keys area (`createKeyServices()`); the overlay receives
 * an instance. Everything here returns typed outcomes; nothing throws on bad input or network.
 */

/** A signed-in account as seen in a tab: the instance's web origin and the account id there. */
export interface AccountRef {
  readonly origin: string;
  readonly accountId: string;
}

/** How much the user has checked a contact's identity key. */
export type ContactTrust = 'unverified' | 'verified' | 'changed';

/** Why this browser cannot encrypt or decrypt for the account itself. */
export type AccountProblem =
  | 'not_enabled' // Hush was never enabled for this account in this browser (or restore a backup)
  | 'locked' // keys are passphrase-locked: unlock in the popup
  | 'revoked'; // the user revoked this key; enable again to make a new one

/** Why one recipient cannot be encrypted to. Each maps to a user action in the UI. */
export type RecipientProblem =
  | { readonly kind: 'no_key'; readonly acct: string } // has not enabled Hush: offer the invitation text
  | { readonly kind: 'key_changed'; readonly acct: string } // blocked until the user reviews the change in the popup
  | { readonly kind: 'revoked'; readonly acct: string } // the contact revoked their key
  | { readonly kind: 'not_found'; readonly acct: string } // no such account
  | { readonly kind: 'disagreement'; readonly acct: string; readonly homeInstance: string; readonly originInstance: string } // instances serve different keys
  | { readonly kind: 'rollback'; readonly acct: string } // an older prekey epoch than one already seen
  | { readonly kind: 'network'; readonly acct: string; readonly message: string };

export interface RecipientReady {
  readonly kind: 'ready';
  readonly acct: string;
  readonly actorUri: string;
  readonly trust: Exclude<ContactTrust, 'changed'>;
  readonly fingerprint: string;
}

export interface RecipientsCheck {
  readonly account: 'ready' | AccountProblem;
  readonly recipients: readonly (RecipientReady | RecipientProblem)[];
}

export interface EncryptRequest {
  /** Handles as typed or resolved ("bob@b.test", "carol" for a local account). */
  readonly recipients: readonly string[];
  readonly plaintext: string;
  /** Message id (hex) of the encrypted message this replies to, if any. */
  readonly replyTo: string | null;
  /** The instance's max_characters (default 500). */
  readonly maxChars: number;
}

export type EncryptOutcome =
  | {
      readonly ok: true;
      /** Complete status texts (mentions + prefix + ciphertext) in posting order. */
      readonly statuses: readonly string[];
      /** Message id, hex. */
      readonly messageId: string;
    }
  | { readonly ok: false; readonly account: AccountProblem | null; readonly recipients: readonly RecipientProblem[]; readonly message: string };

export interface StatusChunk {
  readonly statusId: string;
  /** The status text as extracted from the page or API (prefix + ciphertext, mentions allowed). */
  readonly text: string;
}

export interface DecryptRequest {
  /** The status author as the instance shows it. */
  readonly author: { readonly acct: string; readonly actorUri: string | null };
  /** Accounts mentioned by the status(es), as the instance shows them. */
  readonly mentions: readonly string[];
  /** All chunks of one message that are known so far (same author). */
  readonly chunks: readonly StatusChunk[];
  /**
   * False when the chunks were read where no status id exists (the DM column shows conversation
   * ids): such entries cannot be told from a replay, so replay memory is neither checked nor fed.
   */
  readonly checkReplay?: boolean;
}

export type DecryptOutcome =
  | {
      readonly ok: true;
      readonly plaintext: string;
      /** The authenticated sender (from the envelope signature), with its trust state. */
      readonly sender: { readonly acct: string | null; readonly actorUri: string; readonly trust: ContactTrust; readonly fingerprint: string };
      /** True when the envelope's sender is not the status author: show as flagged, not as from the author. */
      readonly senderMismatch: boolean;
      readonly recipients: readonly { readonly acct: string | null; readonly fingerprint: string }[];
      readonly messageId: string;
      readonly replyTo: string | null;
      readonly createdAt: number;
    }
  | {
      readonly ok: false;
      /** 'locked' | 'not_enabled' | 'incomplete' | 'unknown_sender' | protocol failure reasons. */
      readonly reason: string;
      readonly message: string;
    };

export interface KeyServices {
  /** Readiness of the account and each recipient (fetches and pins keys as needed; may take a while). */
  checkRecipients(account: AccountRef, accts: readonly string[]): Promise<RecipientsCheck>;
  /** Encrypts for the recipients and the sender's own devices; fails closed with every reason at once. */
  encrypt(account: AccountRef, request: EncryptRequest): Promise<EncryptOutcome>;
  /** Verifies and decrypts one message; never throws on hostile input. */
  decrypt(account: AccountRef, request: DecryptRequest): Promise<DecryptOutcome>;
  /** Seals local cache data (e.g. decrypted plaintext) under a key only available while unlocked. */
  sealLocal(account: AccountRef, data: Uint8Array): Promise<Uint8Array | AccountProblem>;
  openLocal(account: AccountRef, sealed: Uint8Array): Promise<Uint8Array | AccountProblem | 'corrupt'>;
  /**
   * Mention completion: accounts the user's own instance knows for `query` (its account search,
   * no remote resolve), as full handles, with whether Hush already holds a usable key for each
   * (from the contacts store only: no discovery per keystroke). Empty on any failure.
   */
  searchAccounts(account: AccountRef, query: string): Promise<readonly { readonly acct: string; readonly hasKey: boolean }[]>;
}
