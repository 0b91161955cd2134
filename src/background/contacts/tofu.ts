/**
 * Trust on first use, as a pure state machine over one contact (issue #5). The first identity key
 * seen for an actor URI is pinned. A different identity key later is a KEY CHANGE: it is kept
 * aside (never used) until the user accepts it; the old key moves to the history so messages it
 * signed still verify as that key. An older epoch than one already accepted is a rollback and is
 * rejected; a different prekey at the same epoch (equivocation) too. A revocation signed by the
 * pinned key ends it: nothing is encrypted to it again.
 */
import { fingerprint } from '../../protocol/index';
import type { KeyMaterial } from '../network/discovery';
import { b64, unb64 } from '../storage/codec';
import type { Contact, PinnedKey } from '../storage/schema';

export interface Observation {
  readonly actorUri: string;
  readonly acct: string;
  readonly material: KeyMaterial;
  readonly servedBy: readonly string[];
  readonly at: number;
}

export type ObservationEvent = 'pinned' | 'same' | 'updated' | 'key_changed' | 'rollback' | 'equivocation' | 'revoked' | 'no_key';

export interface ObservationOutcome {
  /** The contact to store (null: nothing to store). */
  readonly contact: Contact | null;
  readonly event: ObservationEvent;
}

const pinnedKey = (pk: Uint8Array, at: number): PinnedKey => ({ identityPk: b64(pk), fingerprint: fingerprint(pk), firstSeen: at, trust: 'unverified', verifiedAt: null });

function isPinned(contact: Contact, pk: Uint8Array): boolean {
  return contact.pinned.identityPk === b64(pk);
}

export function observe(contact: Contact | null, obs: Observation): ObservationOutcome {
  const touched = contact === null ? null : { ...contact, acct: obs.acct, checkedAt: obs.at };
  const m = obs.material;
  if (m.kind === 'none' || m.kind === 'invalid') return { contact: touched, event: 'no_key' };
  if (m.kind === 'revocation') {
    const pk = m.revocation.identityPk;
    if (touched === null) return { contact: null, event: 'revoked' };
    if (isPinned(touched, pk)) {
      const revoked = touched.revoked ?? { revokedAt: m.revocation.revokedAt, reason: m.revocation.reason, seenAt: obs.at };
      return { contact: { ...touched, revoked, bundle: null }, event: 'revoked' };
    }
    if (touched.pendingChange?.identityPk === b64(pk)) return { contact: { ...touched, pendingChange: null }, event: 'revoked' };
    return { contact: touched, event: 'no_key' };
  }
  const b = m.bundle;
  const bundle = { epoch: b.epoch, prekeyPk: b64(b.prekeyPk), fetchedAt: obs.at };
  if (touched === null) {
    const fresh: Contact = {
      actorUri: obs.actorUri, acct: obs.acct, pinned: pinnedKey(b.identityPk, obs.at), bundle, maxEpoch: b.epoch,
      history: [], pendingChange: null, revoked: null, warning: null, checkedAt: obs.at,
    };
    return { contact: fresh, event: 'pinned' };
  }
  if (isPinned(touched, b.identityPk)) {
    // A revoked key never comes back, whatever a server serves later.
    if (touched.revoked !== null) return { contact: touched, event: 'revoked' };
    if (b.epoch < touched.maxEpoch) return { contact: touched, event: 'rollback' };
    if (b.epoch === touched.maxEpoch && touched.bundle !== null) {
      return touched.bundle.prekeyPk === bundle.prekeyPk ? { contact: { ...touched, bundle }, event: 'same' } : { contact: touched, event: 'equivocation' };
    }
    return { contact: { ...touched, bundle, maxEpoch: b.epoch }, event: 'updated' };
  }
  // A different identity key: a key change, kept aside until the user decides.
  const prev = touched.pendingChange;
  const samePending = prev?.identityPk === b64(b.identityPk);
  if (samePending && b.epoch < prev.epoch) return { contact: touched, event: 'rollback' };
  const pendingChange = {
    identityPk: b64(b.identityPk), fingerprint: fingerprint(b.identityPk), epoch: b.epoch, prekeyPk: bundle.prekeyPk,
    seenAt: samePending ? prev.seenAt : obs.at, servedBy: obs.servedBy, keptBlocked: samePending ? prev.keptBlocked : false,
  };
  return { contact: { ...touched, pendingChange }, event: 'key_changed' };
}

/** The user accepted the new key: it becomes the pinned (unverified) key, the old one goes to history. */
export function acceptChange(contact: Contact, at: number): Contact {
  const p = contact.pendingChange;
  if (p === null) return contact;
  const pk = unb64(p.identityPk) ?? new Uint8Array(0);
  return {
    ...contact,
    pinned: { ...pinnedKey(pk, at), firstSeen: p.seenAt },
    history: [...contact.history, { ...contact.pinned, replacedAt: at }].slice(-16),
    bundle: { epoch: p.epoch, prekeyPk: p.prekeyPk, fetchedAt: p.seenAt },
    maxEpoch: p.epoch,
    pendingChange: null,
    revoked: null,
  };
}

/** The user looked at the change and keeps the contact blocked (decision can be revisited). */
export function keepBlocked(contact: Contact): Contact {
  return contact.pendingChange === null ? contact : { ...contact, pendingChange: { ...contact.pendingChange, keptBlocked: true } };
}

/** Marks the pinned key verified, only if the user compared the key that is pinned NOW. */
export function markVerified(contact: Contact, fingerprintShown: string, at: number): Contact | null {
  if (contact.pinned.fingerprint !== fingerprintShown || contact.pendingChange !== null) return null;
  return { ...contact, pinned: { ...contact.pinned, trust: 'verified', verifiedAt: at } };
}

export type ContactState = 'ready' | 'key_changed' | 'revoked' | 'no_key' | 'disagreement';

export function contactState(c: Contact): ContactState {
  if (c.pendingChange !== null) return 'key_changed';
  if (c.revoked !== null) return 'revoked';
  if (c.warning !== null) return 'disagreement';
  if (c.bundle === null) return 'no_key';
  return 'ready';
}

export const contactTrust = (c: Contact): 'unverified' | 'verified' | 'changed' => (c.pendingChange !== null ? 'changed' : c.pinned.trust);
