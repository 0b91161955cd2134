/**
 * Test helper (used by *.test.ts only): what the Reader's tests (overlay/reading.test.ts and the
 * inbox's service.test.ts and review-server.test.ts) build around it: a storage area in memory
 * and genuine Hush messages between the test vectors' parties.
 */
import type { StorageArea } from './message-store';

/** A storage area over a Map; with `clone`, values are copied in as the browser does. */
export function memoryArea(opts: { clone?: boolean } = {}): StorageArea & {
  size: () => number;
  dump: () => Map<string, unknown>;
} {
  const m = new Map<string, unknown>();
  return {
    size: () => m.size,
    dump: () => m,
    get: (keys) => Promise.resolve(Object.fromEntries(keys.filter((k) => m.has(k)).map((k) => [k, m.get(k)]))),
    set: (items) => {
      for (const [k, v] of Object.entries(items)) m.set(k, opts.clone === true ? structuredClone(v) : v);
      return Promise.resolve();
    },
    remove: (keys) => {
      for (const k of keys) m.delete(k);
      return Promise.resolve();
    },
  };
}

/**
 * The status texts of a genuine Hush message `plaintext` from the test vectors' ALICE to BOB
 * (500-character statuses), answering the message `replyTo` if given. Loads libsodium and the vectors on first use.
 */
export async function aliceToBob(plaintext: string, replyTo?: Uint8Array): Promise<string[]> {
  const { init, encryptMessage } = await import('../../protocol/index');
  const { ALICE, BOB, live, mentionOf, NOW } = await import('../../../test/vectors/fixtures');
  await init();
  const alice = live(ALICE);
  const r = encryptMessage({
    sender: { identity: alice.identity, chain: alice.chain },
    recipients: [live(BOB).key],
    plaintext,
    ...(replyTo === undefined ? {} : { replyTo }),
    now: NOW,
    statusBudget: { maxChars: 500, mentionText: `${mentionOf(BOB)} ` },
  });
  if (!r.ok) throw new Error(r.reason);
  return [...r.value.statuses];
}
