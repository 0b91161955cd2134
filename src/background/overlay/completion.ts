/**
 * Recipient completion, one ranking for every surface that offers accounts to write to (the secure
 * editor's mention search, the inbox's new-conversation search): the user's pinned contacts first
 * (verified before the others), then what the instance's search found. A name shared with a
 * contact on another domain is a look-alike and marked as such, whichever side it is on: the
 * instance's search order can never put its look-alike above the contact the user pinned.
 * Ranking only: nothing here pins or looks up a key (a search result becomes a contact only when
 * the user picks it).
 */

export interface CompletionContact {
  readonly acct: string;
  readonly trust: 'unverified' | 'verified' | 'changed';
  readonly usable: boolean;
}

export interface Completion {
  readonly acct: string;
  /** A pinned contact (else: found by the instance's search). */
  readonly contact: boolean;
  /** A pinned, usable key (a search result that is not a contact: false, not looked up). */
  readonly hasKey: boolean;
  /** The contact this one shares its name with, on another domain. */
  readonly lookalikeOf: string | null;
}

const lower = (s: string): string => s.toLowerCase();
const user = (a: string): string => lower(a).split('@')[0] ?? '';

export function rankCompletions(
  contacts: readonly CompletionContact[],
  query: string,
  found: readonly { readonly acct: string; readonly hasKey: boolean }[],
  limits: { readonly contacts: number; readonly total: number } = { contacts: 5, total: 8 },
): Completion[] {
  const q = lower(query.replace(/^@/, ''));
  const twinOf = (acct: string): string | null =>
    contacts.find((o) => user(o.acct) === user(acct) && lower(o.acct) !== lower(acct))?.acct ?? null;
  const out: Completion[] = contacts
    .filter((c) => lower(c.acct).startsWith(q) || (q.length >= 2 && user(c.acct).startsWith(user(q))))
    .sort((a, b) => Number(b.trust === 'verified') - Number(a.trust === 'verified'))
    .slice(0, limits.contacts)
    .map((c) => ({ acct: c.acct, contact: true, hasKey: c.usable, lookalikeOf: twinOf(c.acct) }));
  for (const f of found) {
    if (out.length >= limits.total) break;
    if (out.some((a) => lower(a.acct) === lower(f.acct))) continue;
    out.push({ acct: f.acct, contact: false, hasKey: f.hasKey, lookalikeOf: twinOf(f.acct) });
  }
  return out;
}
