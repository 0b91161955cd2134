/**
 * Replay memory (protocol §4.5: replay detection is the caller's job). A message id is remembered
 * with the status ids that carried it. The same message arriving again in statuses that share none
 * of those ids is a replay (a server re-delivering an old message as new) and is refused.
 * Bounded per account; the oldest entries go first.
 */
import type { KeyValueArea } from '../storage/kv';
import { SEEN_PREFIX } from '../storage/schema';

export const MAX_REMEMBERED = 2000;

interface SeenRecord {
  readonly v: 2;
  /** [messageIdHex, statusIds, firstSeenAt] oldest first. */
  readonly entries: readonly (readonly [string, readonly string[], number])[];
}

export type SeenVerdict = 'new' | 'known' | 'replay';

export async function rememberMessage(area: KeyValueArea, accountKey: string, messageId: string, statusIds: readonly string[], now: number): Promise<SeenVerdict> {
  const key = `${SEEN_PREFIX}${accountKey}`;
  const got = (await area.get([key]))[key] as SeenRecord | undefined;
  const entries = got?.v === 2 ? [...got.entries] : [];
  const i = entries.findIndex((e) => e[0] === messageId);
  const prev = entries[i];
  if (prev !== undefined) {
    if (!statusIds.some((s) => prev[1].includes(s))) return 'replay';
    const merged = [...new Set([...prev[1], ...statusIds])].slice(0, 32);
    if (merged.length === prev[1].length) return 'known';
    entries[i] = [messageId, merged, prev[2]];
    await area.set({ [key]: { v: 2, entries } satisfies SeenRecord });
    return 'known';
  }
  entries.push([messageId, [...statusIds].slice(0, 32), now]);
  await area.set({ [key]: { v: 2, entries: entries.slice(-MAX_REMEMBERED) } satisfies SeenRecord });
  return 'new';
}
