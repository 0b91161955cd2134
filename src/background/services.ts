import type { ViewFailureReason } from '../messaging/overlay-messages';

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
  | { readonly kind: 'no_key'; readonly acct: string } // has not enabled Hush (never pinned): offer the invitation text
  | { readonly kind: 'key_changed'; readonly acct: string } // blocked until the user reviews the change in the popup
  /**
   * The handle now points at another actor URI, or the actor at another handle, than the contact
   * pinned for it: a blocked identity change the user reviews in the popup (never a fresh first contact).
   */
  | { readonly kind: 'identity_changed'; readonly acct: string }
  | { readonly kind: 'revoked'; readonly acct: string } // the contact revoked their key
  | { readonly kind: 'not_found'; readonly acct: string } // no such account
  | {
      readonly kind: 'disagreement';
      readonly acct: string;
      readonly homeInstance: string;
      readonly originInstance: string;
    } // instances serve different keys
  | { readonly kind: 'rollback'; readonly acct: string } // an older prekey epoch than one already seen
  | { readonly kind: 'network'; readonly acct: string; readonly message: string };

export interface RecipientReady {
  readonly kind: 'ready';
  readonly acct: string;
  readonly actorUri: string;
  readonly trust: Exclude<ContactTrust, 'changed'>;
  readonly fingerprint: string;
  /** The contact was verified once and is not now (an accepted key change): compose warns. */
  readonly wasVerified: boolean;
  /**
   * 'key_withdrawn': the pinned contact's profile no longer carries a valid key (stripped or broken,
   * possible tampering). Hush keeps encrypting to the pinned key and says so; never plaintext.
   */
  readonly warning: 'key_withdrawn' | null;
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
      /** The recipients encrypted to, as resolved (full handles, actor URIs, pinned fingerprints), in mention order. */
      readonly recipients: readonly {
        readonly acct: string;
        readonly actorUri: string;
        readonly fingerprint: string;
      }[];
      /** The user as the signed sender, and the signed time: what the reader remembers of its own message. */
      readonly sender: { readonly actorUri: string; readonly fingerprint: string };
      readonly createdAt: number;
    }
  | {
      readonly ok: false;
      readonly account: AccountProblem | null;
      readonly recipients: readonly RecipientProblem[];
      readonly message: string;
    };

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
  /** All chunks of one message (same author), any order. */
  readonly chunks: readonly StatusChunk[];
}

/**
 * Why a message cannot be shown: the reasons of the one closed union every surface words by type
 * (`ViewFailureReason`, whose words are `frames/view-text.ts` REASON_KEYS), less the reader's own
 * states. Replay memory is NOT here: the reader (background/overlay) owns it, so decrypt is a
 * pure function of the chunks and the pinned keys.
 */
export type DecryptFailure = Exclude<ViewFailureReason, 'incomplete_chunks' | 'unknown' | 'not_part_of_message'>;

/** What a verified message says (the success side of DecryptOutcome, also what the reader stores). */
export interface DecryptedMessage {
  readonly plaintext: string;
  /**
   * The authenticated sender: the actor URI and the fingerprint of the identity key that
   * signed. Trust is NOT part of the result: it is looked up with senderTrust() each time the
   * message is shown, so a later verification, key change or revocation shows everywhere.
   */
  readonly sender: { readonly actorUri: string; readonly fingerprint: string };
  readonly recipients: readonly { readonly actorUri: string; readonly fingerprint: string }[];
  readonly messageId: string;
  readonly replyTo: string | null;
  readonly createdAt: number;
}

export type DecryptOutcome =
  | ({ readonly ok: true } & DecryptedMessage)
  | {
      readonly ok: false;
      readonly reason: DecryptFailure;
      readonly message: string;
    };

/** What the user's contacts say NOW about an authenticated sender (no network). */
export type SenderTrustKind =
  | 'self' // the user's own account
  | 'verified' // the pinned key, verified by the user
  | 'unverified' // the pinned key, not verified
  | 'key_changed' // an earlier key of this contact (replaced by an accepted key change)
  | 'revoked' // a key revoked as compromised (or the message postdates its revocation): not authentic
  | 'identity_review' // the contact's handle/actor binding is under review: do not trust yet
  | 'unknown'; // no contact holds this key for this actor

export interface SenderTrust {
  readonly kind: SenderTrustKind;
  /** The contact's pinned handle (user@domain), never the page's label; null when unknown. */
  readonly acct: string | null;
  readonly fingerprint: string;
}

export interface KeyServices {
  /** Readiness of the account and each recipient (fetches and pins keys as needed; may take a while). */
  checkRecipients(account: AccountRef, accts: readonly string[]): Promise<RecipientsCheck>;
  /** Encrypts for the recipients and the sender's own devices; fails closed with every reason at once. */
  encrypt(account: AccountRef, request: EncryptRequest): Promise<EncryptOutcome>;
  /**
   * Verifies and decrypts one message; never throws on hostile input. Makes no network request
   * when the author and every recipient are pinned contacts (reading must not tell the sender's
   * instance who reads what, and when).
   */
  decrypt(account: AccountRef, request: DecryptRequest): Promise<DecryptOutcome>;
  /** The current trust of an authenticated sender (contacts store only, no network). */
  senderTrust(
    account: AccountRef,
    sender: { readonly actorUri: string; readonly fingerprint: string },
    createdAt: number,
  ): Promise<SenderTrust>;
  /** Pinned handles for actor URIs (the user's own account included), null where none. No network. */
  handlesOf(account: AccountRef, actorUris: readonly string[]): Promise<readonly (string | null)[]>;
  /** Seals local cache data (e.g. decrypted plaintext) under a key only available while unlocked. */
  sealLocal(account: AccountRef, data: Uint8Array): Promise<Uint8Array | AccountProblem>;
  openLocal(account: AccountRef, sealed: Uint8Array): Promise<Uint8Array | AccountProblem | 'corrupt'>;
  /**
   * Mention completion: accounts the user's own instance knows for `query` (its account search,
   * no remote resolve), as full handles, with whether Hush already holds a usable key for each
   * (from the contacts store only: no discovery per keystroke). Empty on any failure.
   */
  searchAccounts(
    account: AccountRef,
    query: string,
  ): Promise<readonly { readonly acct: string; readonly hasKey: boolean }[]>;
  /** The pinned contacts (handle, trust, whether a key is usable now): completion ranks them first. No network. */
  contactList(
    account: AccountRef,
  ): Promise<readonly { readonly acct: string; readonly trust: ContactTrust; readonly usable: boolean }[]>;
}
