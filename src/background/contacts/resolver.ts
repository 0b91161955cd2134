/**
 * Recipient handle -> pinned contact, through the discovery paths and the TOFU state machine,
 * with a cache: a contact checked less than CACHE_SECONDS ago is answered without network, so the
 * compose UI is not held up; `refresh` forces a new check.
 */
import type { RecipientProblem } from '../services';
import { discover } from '../network/discovery';
import type { KeyRuntime } from '../keys/runtime';
import { unb64 } from '../storage/codec';
import type { AccountRecord, Contact } from '../storage/schema';
import { contactState, observe } from './tofu';

export const CACHE_SECONDS = 15 * 60;

export type Resolved = { readonly ok: true; readonly contact: Contact } | { readonly ok: false; readonly problem: RecipientProblem; readonly contact: Contact | null };

/** "@Bob@B.test" -> "Bob@b.test"; a bare local name gets the home domain. null when not a handle. */
export function normalizeAcct(input: string, homeDomain: string): string | null {
  const s = input.trim().replace(/^@/, '');
  const m = /^([A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*)(?:@([A-Za-z0-9.-]+(?::\d+)?))?$/.exec(s);
  if (m?.[1] === undefined) return null;
  return `${m[1]}@${(m[2] ?? homeDomain).toLowerCase()}`;
}

export const domainOf = (acct: string): string => acct.slice(acct.lastIndexOf('@') + 1);

export function problemFor(c: Contact, acct: string): RecipientProblem | null {
  switch (contactState(c)) {
    case 'key_changed':
      return { kind: 'key_changed', acct };
    case 'revoked':
      return { kind: 'revoked', acct };
    case 'no_key':
      return { kind: 'no_key', acct };
    case 'disagreement':
      return { kind: 'disagreement', acct, homeInstance: c.warning?.homeInstance ?? '', originInstance: c.warning?.originInstance ?? '' };
    case 'ready':
      return null;
  }
}

export async function contactByAcct(rt: KeyRuntime, acct: string): Promise<Contact | null> {
  const want = acct.toLowerCase();
  return (await rt.store.contacts()).find((c) => c.acct.toLowerCase() === want) ?? null;
}

export async function resolveContact(rt: KeyRuntime, me: AccountRecord, acct: string, opts: { refresh?: boolean } = {}): Promise<Resolved> {
  const now = await rt.now();
  const cached = await contactByAcct(rt, acct);
  if (cached !== null && !opts.refresh && now - cached.checkedAt < CACHE_SECONDS) {
    const p = problemFor(cached, acct);
    return p === null ? { ok: true, contact: cached } : { ok: false, problem: p, contact: cached };
  }
  const ref = { origin: me.origin, accountId: me.accountId };
  const pinnedIdentityPk = cached === null ? null : (unb64(cached.pinned.identityPk) ?? null);
  const found = await discover({ api: rt.api, homeOrigin: me.origin, homeDomain: domainOf(me.acct), acct, token: () => rt.deps.token(ref, 'resolve'), pinnedIdentityPk });
  if (!found.ok) {
    if (found.kind === 'disagreement') {
      const warning = { kind: 'disagreement' as const, homeInstance: found.homeInstance, originInstance: found.originInstance, at: now };
      const updated = cached === null ? null : { ...cached, warning, checkedAt: now };
      if (updated !== null) await rt.store.exclusive(() => rt.store.putContact(updated));
      return { ok: false, problem: { kind: 'disagreement', acct, homeInstance: found.homeInstance, originInstance: found.originInstance }, contact: updated };
    }
    if (found.kind === 'not_found') return { ok: false, problem: { kind: 'not_found', acct }, contact: cached };
    return { ok: false, problem: { kind: 'network', acct, message: found.message }, contact: cached };
  }
  const outcome = await rt.store.exclusive(async () => {
    const existing = await rt.store.contact(found.actorUri);
    const o = observe(existing, { actorUri: found.actorUri, acct, material: found.material, servedBy: found.servedBy, at: now });
    const contact = o.contact === null ? null : { ...o.contact, warning: null };
    if (contact !== null) await rt.store.putContact(contact);
    return { event: o.event, contact };
  });
  const c = outcome.contact;
  if (outcome.event === 'rollback' || outcome.event === 'equivocation') return { ok: false, problem: { kind: 'rollback', acct }, contact: c };
  if (c === null) return { ok: false, problem: outcome.event === 'revoked' ? { kind: 'revoked', acct } : { kind: 'no_key', acct }, contact: null };
  if (outcome.event === 'no_key') return { ok: false, problem: { kind: 'no_key', acct }, contact: c };
  const p = problemFor(c, acct);
  return p === null ? { ok: true, contact: c } : { ok: false, problem: p, contact: c };
}
