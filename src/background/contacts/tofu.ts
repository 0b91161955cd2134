/**
 * Trust on first use, as a pure state machine over one contact (issue #5). The first identity key
 * seen for an actor URI is pinned. A different identity key later is a KEY CHANGE: it is kept
 * aside (never used) until the user accepts it; the old key moves to the history so messages it
 * signed still verify as that key. An older epoch than one already accepted is a rollback and is
 * rejected; a different prekey at the same epoch (equivocation) too. A revocation signed by the
 * pinned key ends it: nothing is encrypted to it again, and a key seen revoked is dead for good
 * (never offered or accepted again; history keeps the revocation). A pinned key that disappears
 * from the profile stays pinned and is reported as withdrawn (issue #21).
 */
import { fingerprint } from '../../protocol/index';
import type { KeyMaterial } from '../network/discovery';
import { b64, unb64 } from '../../messaging/encoding';
import type { Contact, DeadKey, IdentityChange, KeyRevocation, PinnedKey, Withdrawn } from '../storage/schema';

export interface Observation {
  readonly actorUri: string;
  readonly acct: string;
  readonly material: KeyMaterial;
  readonly servedBy: readonly string[];
  readonly at: number;
}

/**
 * 'withdrawn': the profile of a pinned contact no longer carries the pinned key (stripped, broken,
 * or a revocation of another key). 'dead_key': a key seen revoked was served again (never offered).
 */
export type ObservationEvent =
  | 'pinned'
  | 'same'
  | 'updated'
  | 'key_changed'
  | 'rollback'
  | 'equivocation'
  | 'revoked'
  | 'no_key'
  | 'withdrawn'
  | 'dead_key';

export interface ObservationOutcome {
  /** The contact to store (null: nothing to store). */
  readonly contact: Contact | null;
  readonly event: ObservationEvent;
}

/** Revocations kept for reasons other than 'compromised' (newest kept). */
const MAX_DEAD = 32;
/**
 * Revocations of keys this contact was never seen with (the profile showed the revocation first):
 * the newest kept, apart from the others, so minted revocations of throwaway keys evict only each
 * other (issue #21 leftover: such a revocation was not remembered at all).
 */
export const MAX_DEAD_UNSEEN = 32;
/**
 * Revocations as compromised are never evicted by later ones (issue #21, claim 2). They are recorded
 * only for keys this contact was seen with, so each one costs the attacker a key change served to
 * the user; at this many, no further key change is offered for the contact (fail closed), so the
 * list cannot grow past it and nothing in it is ever dropped.
 */
export const MAX_DEAD_COMPROMISED = 128;

const pinnedKey = (pk: Uint8Array, at: number): PinnedKey => ({
  identityPk: b64(pk),
  fingerprint: fingerprint(pk),
  firstSeen: at,
  trust: 'unverified',
  verifiedAt: null,
});

function isPinned(contact: Contact, pk: Uint8Array): boolean {
  return contact.pinned.identityPk === b64(pk);
}

/** A key of this contact seen revoked: never pinned, offered or accepted again (issue #21). */
export function isDeadKey(contact: Contact, identityPk: string): boolean {
  return (
    contact.deadKeys.some((d) => d.identityPk === identityPk) ||
    (contact.revoked !== null && contact.pinned.identityPk === identityPk) ||
    contact.history.some((h) => h.revoked !== null && h.identityPk === identityPk)
  );
}

/** A key this contact was ever seen with: pinned, pending, in its history, a pending identity change, or already dead. */
function seenKey(contact: Contact, id: string): boolean {
  return (
    contact.pinned.identityPk === id ||
    contact.pendingChange?.identityPk === id ||
    contact.identityChange?.identityPk === id ||
    contact.history.some((h) => h.identityPk === id) ||
    contact.deadKeys.some((d) => d.identityPk === id && d.unseen !== true)
  );
}

const compromisedCount = (contact: Contact): number =>
  contact.deadKeys.filter((d) => d.reason === 'compromised' && d.unseen !== true).length;

/** Keeps the newest MAX_DEAD_UNSEEN revocations of keys never seen; the others are untouched. */
function boundUnseen(deadKeys: readonly DeadKey[]): DeadKey[] {
  const unseen = deadKeys.filter((d) => d.unseen === true);
  const evicted = new Set(unseen.slice(0, Math.max(0, unseen.length - MAX_DEAD_UNSEEN)));
  return deadKeys.filter((d) => !evicted.has(d));
}

/**
 * A revocation of a key never seen with this contact: remembered apart (bounded on its own), so
 * that key is dead if it is served or signs a message later. A second revocation of it as
 * compromised upgrades the entry.
 */
function markUnseen(contact: Contact, id: string, pk: Uint8Array, revocation: KeyRevocation): Contact {
  const prior = contact.deadKeys.find((d) => d.identityPk === id);
  if (prior !== undefined && (prior.reason === 'compromised' || revocation.reason !== 'compromised')) return contact;
  const entry: DeadKey = { identityPk: id, fingerprint: fingerprint(pk), ...revocation, unseen: true };
  return { ...contact, deadKeys: boundUnseen([...contact.deadKeys.filter((d) => d !== prior), entry]) };
}

/**
 * Records a signed revocation of `pk`: in the dead keys, and on the history entry of that key. A
 * revocation is signed only by the key it revokes, so anyone can mint any number of them for the
 * contact's actor URI: revocations of keys this contact was never seen with are kept apart
 * (markUnseen, newest MAX_DEAD_UNSEEN), and a revocation as compromised of a key that was seen is
 * never evicted by later ones (issue #21: reviewer's PoC e27b5fc evicted one with 32 throwaway
 * revocations). Other revocations of seen keys keep the newest MAX_DEAD.
 */
function markDead(contact: Contact, pk: Uint8Array, revocation: KeyRevocation): Contact {
  const id = b64(pk);
  if (!seenKey(contact, id)) return markUnseen(contact, id, pk, revocation);
  const prior = contact.deadKeys.find((d) => d.identityPk === id);
  const entry: DeadKey = { identityPk: id, fingerprint: fingerprint(pk), ...revocation };
  const listed =
    prior === undefined
      ? [...contact.deadKeys, entry]
      : // A later revocation of the same key as compromised upgrades the entry (never the reverse).
        prior.reason !== 'compromised' && revocation.reason === 'compromised'
        ? contact.deadKeys.map((d) => (d === prior ? entry : d))
        : contact.deadKeys;
  const others = listed.filter((d) => d.reason !== 'compromised' && d.unseen !== true);
  const evicted = new Set(others.slice(0, Math.max(0, others.length - MAX_DEAD)));
  const deadKeys = listed.filter((d) => !evicted.has(d));
  const history = contact.history.map((h) =>
    h.identityPk === id && h.revoked === null ? { ...h, revoked: revocation } : h,
  );
  return { ...contact, deadKeys, history };
}

function withdraw(contact: Contact, kind: Withdrawn['kind'], detail: string, obs: Observation): Contact {
  const prev = contact.withdrawn;
  return {
    ...contact,
    withdrawn: { kind, detail, at: prev?.kind === kind ? prev.at : obs.at, servedBy: obs.servedBy },
  };
}

/**
 * One discovery result for the contact bound to `obs.actorUri` (same handle: the resolver turns
 * another handle or actor URI into an identity change first). The contact's handle never changes here.
 * `revokedBefore`: revocations this actor showed while no contact was pinned for it (store's
 * unpinned revocations); a first contact never pins one of those keys, and keeps the rest.
 */
export function observe(
  contact: Contact | null,
  obs: Observation,
  revokedBefore: readonly DeadKey[] = [],
): ObservationOutcome {
  const touched = contact === null ? null : { ...contact, checkedAt: obs.at };
  const m = obs.material;
  if (m.kind === 'none' || m.kind === 'invalid') {
    if (touched === null) return { contact: null, event: 'no_key' };
    if (touched.revoked !== null) return { contact: touched, event: 'revoked' };
    // A downgrade: the pinned key stays in use, and the compose UI says so (never "no key").
    return {
      contact: withdraw(touched, m.kind, m.kind === 'invalid' ? m.reason : 'no key in the profile', obs),
      event: 'withdrawn',
    };
  }
  if (m.kind === 'revocation') {
    const pk = m.revocation.identityPk;
    if (touched === null) return { contact: null, event: 'revoked' };
    const rev = { revokedAt: m.revocation.revokedAt, reason: m.revocation.reason, seenAt: obs.at };
    const dead = markDead(touched, pk, rev);
    if (isPinned(dead, pk)) {
      const revoked = dead.revoked ?? rev;
      return { contact: { ...dead, revoked, bundle: null, withdrawn: null }, event: 'revoked' };
    }
    const cleared = dead.pendingChange?.identityPk === b64(pk) ? { ...dead, pendingChange: null } : dead;
    if (cleared.revoked !== null) return { contact: cleared, event: 'revoked' };
    // The profile shows the revocation of another key, not the pinned one: the pinned key is withdrawn.
    return {
      contact: withdraw(cleared, 'dead_key', `the profile shows a revocation of ${fingerprint(pk)}`, obs),
      event: 'withdrawn',
    };
  }
  const b = m.bundle;
  const bundle = { epoch: b.epoch, prekeyPk: b64(b.prekeyPk), fetchedAt: obs.at };
  if (touched === null) {
    // A key this actor's profile showed revoked before any contact was pinned is dead (issue #21).
    if (revokedBefore.some((d) => d.identityPk === b64(b.identityPk))) return { contact: null, event: 'dead_key' };
    const fresh: Contact = {
      actorUri: obs.actorUri,
      acct: obs.acct,
      pinned: pinnedKey(b.identityPk, obs.at),
      bundle,
      maxEpoch: b.epoch,
      history: [],
      pendingChange: null,
      revoked: null,
      warning: null,
      checkedAt: obs.at,
      servedBy: obs.servedBy,
      deadKeys: boundUnseen(
        revokedBefore.map((d): DeadKey => ({
          identityPk: d.identityPk,
          fingerprint: d.fingerprint,
          revokedAt: d.revokedAt,
          reason: d.reason,
          seenAt: d.seenAt,
          unseen: true,
        })),
      ),
      identityChange: null,
      withdrawn: null,
    };
    return { contact: fresh, event: 'pinned' };
  }
  if (isPinned(touched, b.identityPk)) {
    // A revoked key never comes back, whatever a server serves later.
    if (touched.revoked !== null) return { contact: touched, event: 'revoked' };
    if (b.epoch < touched.maxEpoch) return { contact: touched, event: 'rollback' };
    const confirmed = { ...touched, servedBy: obs.servedBy, withdrawn: null };
    if (b.epoch === touched.maxEpoch && touched.bundle !== null) {
      return touched.bundle.prekeyPk === bundle.prekeyPk
        ? { contact: { ...confirmed, bundle }, event: 'same' }
        : { contact: touched, event: 'equivocation' };
    }
    return { contact: { ...confirmed, bundle, maxEpoch: b.epoch }, event: 'updated' };
  }
  // A key seen revoked is dead: never offered as a key change (accepting would re-pin it).
  if (isDeadKey(touched, b64(b.identityPk))) {
    if (touched.revoked !== null) return { contact: touched, event: 'revoked' };
    return {
      contact: withdraw(touched, 'dead_key', `a revoked key (${fingerprint(b.identityPk)}) was served`, obs),
      event: 'dead_key',
    };
  }
  // A contact whose instance has already served MAX_DEAD_COMPROMISED keys later revoked as
  // compromised is under attack: no further key change is offered (the pinned key stays in use).
  if (compromisedCount(touched) >= MAX_DEAD_COMPROMISED && touched.pendingChange?.identityPk !== b64(b.identityPk)) {
    return {
      contact: withdraw(
        touched,
        'dead_key',
        `too many revoked keys were served; ${fingerprint(b.identityPk)} is not offered`,
        obs,
      ),
      event: 'dead_key',
    };
  }
  // A different identity key: a key change, kept aside until the user decides.
  const prev = touched.pendingChange;
  const samePending = prev?.identityPk === b64(b.identityPk);
  if (samePending && b.epoch < prev.epoch) return { contact: touched, event: 'rollback' };
  const pendingChange = {
    identityPk: b64(b.identityPk),
    fingerprint: fingerprint(b.identityPk),
    epoch: b.epoch,
    prekeyPk: bundle.prekeyPk,
    seenAt: samePending ? prev.seenAt : obs.at,
    servedBy: obs.servedBy,
    keptBlocked: samePending ? prev.keptBlocked : false,
  };
  return { contact: { ...touched, pendingChange }, event: 'key_changed' };
}

/**
 * The user accepted the new key: it becomes the pinned (unverified) key, the old one goes to history
 * with its revocation, if any. A dead (revoked) key is never accepted: the contact is returned as is.
 */
export function acceptChange(contact: Contact, at: number): Contact {
  const p = contact.pendingChange;
  if (p === null) return contact;
  if (isDeadKey(contact, p.identityPk)) return { ...contact, pendingChange: null };
  return { ...contact, ...repinned(contact, p, at), servedBy: p.servedBy, withdrawn: null };
}

/**
 * The pinned key replaced by a new one the user accepted (first seen at `next.seenAt`), unverified;
 * the old one goes to history with its revocation, if any (the last 16 kept).
 */
function repinned(
  contact: Contact,
  next: { readonly identityPk: string; readonly epoch: number; readonly prekeyPk: string; readonly seenAt: number },
  at: number,
): Pick<Contact, 'pinned' | 'history' | 'bundle' | 'maxEpoch' | 'pendingChange' | 'revoked'> {
  const pk = unb64(next.identityPk) ?? new Uint8Array(0);
  return {
    pinned: { ...pinnedKey(pk, at), firstSeen: next.seenAt },
    history: [...contact.history, { ...contact.pinned, replacedAt: at, revoked: contact.revoked }].slice(-16),
    bundle: { epoch: next.epoch, prekeyPk: next.prekeyPk, fetchedAt: next.seenAt },
    maxEpoch: next.epoch,
    pendingChange: null,
    revoked: null,
  };
}

/** The user looked at the change and keeps the contact blocked (decision can be revisited). */
export function keepBlocked(contact: Contact): Contact {
  return contact.pendingChange === null
    ? contact
    : { ...contact, pendingChange: { ...contact.pendingChange, keptBlocked: true } };
}

/**
 * Discovery confirmed another binding for this contact: its handle now resolves to `obs.actorUri`,
 * or its actor URI now shows handle `obs.acct`. Stored as a blocked identity change for review,
 * with the key the new side carries (none when it has no usable key, or a key seen revoked).
 */
export function proposeIdentityChange(contact: Contact, obs: Observation): Contact {
  const m = obs.material;
  const key = m.kind === 'bundle' && !isDeadKey(contact, b64(m.bundle.identityPk)) ? m.bundle : null;
  const prev = contact.identityChange;
  const identityPk = key === null ? null : b64(key.identityPk);
  const same =
    prev !== null &&
    prev.actorUri === obs.actorUri &&
    prev.acct.toLowerCase() === obs.acct.toLowerCase() &&
    prev.identityPk === identityPk;
  const identityChange: IdentityChange = {
    acct: obs.acct,
    actorUri: obs.actorUri,
    identityPk,
    fingerprint: key === null ? null : fingerprint(key.identityPk),
    epoch: key?.epoch ?? null,
    prekeyPk: key === null ? null : b64(key.prekeyPk),
    servedBy: obs.servedBy,
    seenAt: same ? prev.seenAt : obs.at,
    keptBlocked: same ? prev.keptBlocked : false,
  };
  return { ...contact, identityChange, checkedAt: obs.at };
}

/**
 * The user accepted the identity change: the contact is re-bound to the new handle and actor URI.
 * Same actor and key (a renamed handle): trust is kept. Another actor or key: pinned anew,
 * unverified, the old key in history. null when the new side has no usable key (the contact is
 * dropped: the handle is then an ordinary account without Hush).
 */
export function acceptIdentityChange(contact: Contact, at: number): Contact | null {
  const ic = contact.identityChange;
  if (ic === null) return contact;
  if (ic.identityPk === null || ic.prekeyPk === null || ic.epoch === null || isDeadKey(contact, ic.identityPk))
    return null;
  const base = {
    ...contact,
    acct: ic.acct,
    actorUri: ic.actorUri,
    identityChange: null,
    servedBy: ic.servedBy,
    warning: null,
    withdrawn: null,
    checkedAt: at,
  };
  if (ic.actorUri === contact.actorUri && ic.identityPk === contact.pinned.identityPk) return base;
  const next = { identityPk: ic.identityPk, epoch: ic.epoch, prekeyPk: ic.prekeyPk, seenAt: ic.seenAt };
  return { ...base, ...repinned(contact, next, at) };
}

/** The user keeps the old identity: the contact stays blocked (decision can be revisited). */
export function keepOldIdentity(contact: Contact): Contact {
  return contact.identityChange === null
    ? contact
    : { ...contact, identityChange: { ...contact.identityChange, keptBlocked: true } };
}

/**
 * The fingerprint that names the identity-change decision the user saw (the new key's, or the
 * pinned one's when the new side has no key): a decision for another change is refused.
 */
export function identityDecisionFingerprint(contact: Contact): string | null {
  const ic = contact.identityChange;
  return ic === null ? null : (ic.fingerprint ?? contact.pinned.fingerprint);
}

/** Marks the pinned key verified, only if the user compared the key that is pinned NOW. */
export function markVerified(contact: Contact, fingerprintShown: string, at: number): Contact | null {
  if (
    contact.pinned.fingerprint !== fingerprintShown ||
    contact.pendingChange !== null ||
    contact.identityChange !== null
  )
    return null;
  return { ...contact, pinned: { ...contact.pinned, trust: 'verified', verifiedAt: at } };
}

export type ContactState = 'ready' | 'key_changed' | 'revoked' | 'no_key' | 'disagreement';
export type ContactStatus = ContactState | 'identity_changed';

/** What blocks sending to the contact, if anything (identity changes first). */
export function contactStatus(c: Contact): ContactStatus {
  return c.identityChange !== null ? 'identity_changed' : contactState(c);
}

/**
 * contactStatus without 'identity_changed', which it reports as 'key_changed' (blocked, reviewed
 * in the popup), for the popup's summary until its message type knows identity changes.
 */
export function contactState(c: Contact): ContactState {
  if (c.pendingChange !== null || c.identityChange !== null) return 'key_changed';
  if (c.revoked !== null) return 'revoked';
  if (c.warning !== null) return 'disagreement';
  if (c.bundle === null) return 'no_key';
  return 'ready';
}

export const contactTrust = (c: Contact): 'unverified' | 'verified' | 'changed' =>
  c.pendingChange !== null || c.identityChange !== null ? 'changed' : c.pinned.trust;
