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

type Entry = SeenRecord['entries'][number];

const isEntry = (e: unknown): e is Entry =>
  Array.isArray(e) &&
  e.length === 3 &&
  typeof e[0] === 'string' &&
  Array.isArray(e[1]) &&
  (e[1] as unknown[]).every((s) => typeof s === 'string') &&
  typeof e[2] === 'number';

/** Stored state is outside input too: a damaged record is dropped (memory starts afresh), never thrown on. */
function entriesOf(stored: unknown): Entry[] {
  if (typeof stored !== 'object' || stored === null || !('v' in stored) || stored.v !== 2 || !('entries' in stored)) return [];
  const { entries } = stored;
  return Array.isArray(entries) ? entries.filter(isEntry) : [];
}

/**
 * `messageId` must name the authenticated sender too (e.g. "actorUri|hex id"): message ids are chosen
 * by senders, so a bare id would let one sender's message mark another's as a replay. Call only
 * after the message verified, so unauthenticated posts cannot poison the memory.
 */
export async function rememberMessage(area: KeyValueArea, accountKey: string, messageId: string, statusIds: readonly string[], now: number): Promise<SeenVerdict> {
  const key = `${SEEN_PREFIX}${accountKey}`;
  const entries = entriesOf((await area.get([key]))[key]);
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
