/**
 * The identity-change review as the popup shows it (issue #21): both sides of the binding, who
 * served each, and the decision. Public values only. `decisionFingerprint` names the change the
 * user saw: the popup sends it back (as keys/key-change-resolve's newFingerprint) and a decision
 * about another change than the one shown is refused.
 */
import type { Contact } from '../storage/schema';
import { acceptIdentityChange, identityDecisionFingerprint, keepOldIdentity } from './tofu';

export interface IdentitySide {
  readonly acct: string;
  readonly actorUri: string;
  /** null: the new side carries no usable Hush key. */
  readonly fingerprint: string | null;
  /** Instance origins that served this side ([] when not recorded). */
  readonly servedBy: readonly string[];
}

export interface IdentityChangeView {
  /** What the contact is pinned to now. */
  readonly before: IdentitySide;
  /** What discovery confirmed instead. */
  readonly after: IdentitySide;
  /** Unix seconds when the new binding was first seen. */
  readonly changedAt: number;
  readonly keptBlocked: boolean;
  readonly decisionFingerprint: string;
}

export function identityChangeView(c: Contact): IdentityChangeView | null {
  const ic = c.identityChange;
  const decision = identityDecisionFingerprint(c);
  if (ic === null || decision === null) return null;
  return {
    before: { acct: c.acct, actorUri: c.actorUri, fingerprint: c.pinned.fingerprint, servedBy: c.servedBy },
    after: { acct: ic.acct, actorUri: ic.actorUri, fingerprint: ic.fingerprint, servedBy: ic.servedBy },
    changedAt: ic.seenAt,
    keptBlocked: ic.keptBlocked,
    decisionFingerprint: decision,
  };
}

export type IdentityDecision =
  | {
      readonly result: 'accepted';
      readonly previousActorUri: string;
      /** null: the contact is dropped (the new side has no key). */ readonly contact: Contact | null;
    }
  | { readonly result: 'kept_blocked'; readonly contact: Contact }
  | { readonly result: 'mismatch' };

/**
 * The user's decision on the identity change shown with `shownFingerprint`. Store an accepted one
 * with KeyStore.rebindContact(previousActorUri, contact) (or removeContact when contact is null).
 */
export function decideIdentityChange(
  c: Contact,
  accept: boolean,
  shownFingerprint: string,
  at: number,
): IdentityDecision {
  if (c.identityChange === null || identityDecisionFingerprint(c) !== shownFingerprint) return { result: 'mismatch' };
  if (!accept) return { result: 'kept_blocked', contact: keepOldIdentity(c) };
  return { result: 'accepted', previousActorUri: c.actorUri, contact: acceptIdentityChange(c, at) };
}
