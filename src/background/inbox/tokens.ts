/**
 * Which token a background request uses when several sources may hold one: the first source that
 * has one. The reader's reply-link check (parent_mismatch, #21 invariant 3) asks the user's
 * instance for a status's parent with the page's token, and without an open tab of the account
 * with the inbox's own OAuth token (review R1: before, the check never ran in the inbox alone).
 */
import type { AccountRef } from '../services';

export type TokenSource = (account: AccountRef) => Promise<string | null>;

export function firstToken(...sources: readonly TokenSource[]): TokenSource {
  return async (account) => {
    for (const source of sources) {
      const t = await source(account);
      if (t !== null) return t;
    }
    return null;
  };
}
