/**
 * Recipient handle -> pinned contact, through the discovery paths and the TOFU state machine,
 * with a cache: a contact checked less than CACHE_SECONDS ago is answered without network, so the
 * compose UI is not held up; `refresh` forces a new check. A contact is one handle bound to one
 * actor URI and one identity key: any other binding discovery confirms is a blocked identity
 * change on that contact (issue #21), never a new contact.
 */
import { domainOf } from '../../messaging/handle';
import type { RecipientProblem } from '../services';
import { discover } from '../network/discovery';
import type { KeyRuntime } from '../keys/services-impl';
import { b64, unb64 } from '../../messaging/encoding';
import { fingerprint } from '../../protocol/index';
import type { AccountRecord, Contact } from '../storage/schema';
import { contactStatus, observe, proposeIdentityChange, type Observation, type ObservationEvent } from './tofu';

export const CACHE_SECONDS = 15 * 60;

export type Resolved =
  | { readonly ok: true; readonly contact: Contact }
  | { readonly ok: false; readonly problem: RecipientProblem; readonly contact: Contact | null };

export function problemFor(c: Contact, acct: string): RecipientProblem | null {
  switch (contactStatus(c)) {
    case 'identity_changed':
      return { kind: 'identity_changed', acct };
    case 'key_changed':
      return { kind: 'key_changed', acct };
    case 'revoked':
      return { kind: 'revoked', acct };
    case 'no_key':
      return { kind: 'no_key', acct };
    case 'disagreement':
      return {
        kind: 'disagreement',
        acct,
        homeInstance: c.warning?.homeInstance ?? '',
        originInstance: c.warning?.originInstance ?? '',
      };
    case 'ready':
      return null;
  }
}

/** The contact pinned for this handle (case-insensitive). One handle is one contact. */
export async function contactByAcct(rt: KeyRuntime, acct: string): Promise<Contact | null> {
  const want = acct.toLowerCase();
  return (await rt.store.contacts()).find((c) => c.acct.toLowerCase() === want) ?? null;
}

/** A contact whose pending identity change names this handle (its actor now shows it). */
async function reviewNaming(rt: KeyRuntime, acct: string): Promise<Contact | null> {
  const want = acct.toLowerCase();
  return (await rt.store.contacts()).find((c) => c.identityChange?.acct.toLowerCase() === want) ?? null;
}

export async function resolveContact(
  rt: KeyRuntime,
  me: AccountRecord,
  acct: string,
  opts: { refresh?: boolean } = {},
): Promise<Resolved> {
  const now = await rt.now();
  const cached = await contactByAcct(rt, acct);
  if (cached !== null && !opts.refresh && now - cached.checkedAt < CACHE_SECONDS) {
    const p = problemFor(cached, acct);
    return p === null ? { ok: true, contact: cached } : { ok: false, problem: p, contact: cached };
  }
  if (cached === null && !opts.refresh) {
    const reviewing = await reviewNaming(rt, acct);
    if (reviewing !== null && now - reviewing.checkedAt < CACHE_SECONDS)
      return { ok: false, problem: { kind: 'identity_changed', acct }, contact: reviewing };
  }
  const pinnedIdentityPk = cached === null ? null : (unb64(cached.pinned.identityPk) ?? null);
  const found = await discoverFor(rt, me, acct, pinnedIdentityPk, cached?.actorUri ?? null);
  if (!found.ok) {
    if (found.kind === 'disagreement') {
      const warning = {
        kind: 'disagreement' as const,
        homeInstance: found.homeInstance,
        originInstance: found.originInstance,
        at: now,
      };
      const updated = await rt.store.exclusive(async () => {
        const current = await contactByAcct(rt, acct);
        const next = current === null ? null : { ...current, warning, checkedAt: now };
        if (next !== null) await rt.store.putContact(next);
        return next;
      });
      return {
        ok: false,
        problem: { kind: 'disagreement', acct, homeInstance: found.homeInstance, originInstance: found.originInstance },
        contact: updated,
      };
    }
    if (found.kind === 'not_found') return { ok: false, problem: { kind: 'not_found', acct }, contact: cached };
    return { ok: false, problem: { kind: 'network', acct, message: found.message }, contact: cached };
  }
  return commitObservation(rt, acct, {
    actorUri: found.actorUri,
    acct,
    material: found.material,
    servedBy: found.servedBy,
    at: now,
  });
}

/** Two-path discovery of `acct` for the user's account `me` (network/discovery.ts), with the resolving token of that account. */
function discoverFor(
  rt: KeyRuntime,
  me: AccountRecord,
  acct: string,
  pinnedIdentityPk: Uint8Array | null,
  pinnedActorUri: string | null,
) {
  const ref = { origin: me.origin, accountId: me.accountId };
  return discover({
    api: rt.api,
    homeOrigin: me.origin,
    homeDomain: domainOf(me.acct),
    acct,
    token: () => rt.deps.token(ref, 'resolve'),
    pinnedIdentityPk,
    pinnedActorUri,
  });
}

/**
 * What discovery confirms for a handle no contact is pinned under, WITHOUT storing anything: the
 * reader discovers a message's unknown parties, verifies the message, and only then pins them
 * (commitObservation). A status the server forged or padded with mentions pins nobody (issue #21).
 */
export type Unpinned =
  | { readonly ok: true; readonly obs: Observation }
  | { readonly ok: false; readonly kind: 'network' | 'not_found' | 'disagreement'; readonly message: string };

export async function discoverUnpinned(rt: KeyRuntime, me: AccountRecord, acct: string): Promise<Unpinned> {
  const found = await discoverFor(rt, me, acct, null, null);
  if (!found.ok) return { ok: false, kind: found.kind, message: found.message };
  return {
    ok: true,
    obs: { actorUri: found.actorUri, acct, material: found.material, servedBy: found.servedBy, at: await rt.now() },
  };
}

/**
 * Stores what discovery confirmed for `acct` through the TOFU state machine: a first contact is
 * pinned, a known contact updated, another binding becomes a blocked identity change.
 */
export async function commitObservation(rt: KeyRuntime, acct: string, obs: Observation): Promise<Resolved> {
  const outcome = await rt.store.exclusive(
    async (): Promise<{ event: ObservationEvent | 'identity_changed'; contact: Contact | null }> => {
      const current = await contactByAcct(rt, acct);
      const atUri = await rt.store.contact(obs.actorUri);
      // One handle, one actor URI, one key (issue #21). The handle now names another actor, or the
      // actor now shows another handle: a blocked identity change on the contact we know, for the
      // user to review. Never a fresh first contact, never a second contact with this handle.
      const known =
        current !== null && current.actorUri !== obs.actorUri
          ? current
          : current === null && atUri !== null && atUri.acct.toLowerCase() !== acct.toLowerCase()
            ? atUri
            : null;
      if (known !== null) {
        const changed = { ...proposeIdentityChange(known, obs), warning: null };
        await rt.store.putContact(changed);
        return { event: 'identity_changed', contact: changed };
      }
      const existing = current ?? atUri;
      // No contact yet: what this actor's profile showed revoked earlier stays dead (issue #21).
      const before = existing === null ? await rt.store.unpinnedRevocations(obs.actorUri) : [];
      const o = observe(existing, obs, before);
      const contact = o.contact === null ? null : { ...o.contact, warning: null };
      if (contact !== null) await rt.store.putContact(contact);
      else if (obs.material.kind === 'revocation') {
        const r = obs.material.revocation;
        await rt.store.rememberUnpinnedRevocation({
          actorUri: obs.actorUri,
          identityPk: b64(r.identityPk),
          fingerprint: fingerprint(r.identityPk),
          revokedAt: r.revokedAt,
          reason: r.reason,
          seenAt: obs.at,
        });
      }
      return { event: o.event, contact };
    },
  );
  const c = outcome.contact;
  if (outcome.event === 'identity_changed')
    return { ok: false, problem: { kind: 'identity_changed', acct }, contact: c };
  if (outcome.event === 'rollback' || outcome.event === 'equivocation')
    return { ok: false, problem: { kind: 'rollback', acct }, contact: c };
  if (c === null)
    return {
      ok: false,
      problem:
        outcome.event === 'revoked' || outcome.event === 'dead_key'
          ? { kind: 'revoked', acct }
          : { kind: 'no_key', acct },
      contact: null,
    };
  // A pinned contact is never "no key": a withdrawn key stays in use, flagged (contact.withdrawn).
  const p = problemFor(c, acct);
  return p === null ? { ok: true, contact: c } : { ok: false, problem: p, contact: c };
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, results in input order. Mention
 * resolution uses it: several recipients at once, never an unbounded burst of lookups.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}

/** How many recipients are resolved at once. */
export const RESOLVE_CONCURRENCY = 4;
