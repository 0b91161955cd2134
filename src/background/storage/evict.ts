/**
 * The one eviction rule for bounded records that many parties fill (the reader's messages per
 * sender, live frame offers per tab): take, each time, the oldest entry of the group holding the
 * most (ties: the group whose oldest entry is older). One sender or one page producing entries at
 * will then evicts its own first, never everyone else's.
 */

/** Takes `count` entries out of `items` (oldest first, in place) and returns them in the order taken. */
export function evictFairly<T>(items: T[], groupOf: (item: T) => unknown, count: number): T[] {
  const per = new Map<unknown, number>();
  for (const e of items) per.set(groupOf(e), (per.get(groupOf(e)) ?? 0) + 1);
  const out: T[] = [];
  while (out.length < count && items.length > 0) {
    let most = 0;
    for (const n of per.values()) most = Math.max(most, n);
    const at = items.findIndex((e) => per.get(groupOf(e)) === most);
    const [e] = items.splice(at < 0 ? 0 : at, 1);
    if (e === undefined) break;
    per.set(groupOf(e), (per.get(groupOf(e)) ?? 1) - 1);
    out.push(e);
  }
  return out;
}
