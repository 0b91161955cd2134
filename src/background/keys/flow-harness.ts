/**
 * Node-side harness for key-store tests: a KeyRuntime with in-memory storage, a controllable clock,
 * cheap KDF costs and a token source standing in for the content script. Used by *.test.ts only.
 */
import type { AccountRef } from '../services';
import { MemoryArea } from '../storage/kv';
import { KeyRuntime, type KeyDeps } from './services-impl';

export interface TestClock {
  now: number;
}

export interface Harness {
  readonly rt: KeyRuntime;
  readonly local: MemoryArea;
  readonly session: MemoryArea;
  readonly clock: TestClock;
  readonly ref: AccountRef;
  /** Flip to simulate "no tab of this account is open". */
  tokenAvailable: boolean;
}

export function makeHarness(
  ref: AccountRef,
  token: string,
  opts: {
    clock?: TestClock;
    local?: MemoryArea;
    fetch?: KeyDeps['fetch'];
    webfingerOrigin?: KeyDeps['webfingerOrigin'];
  } = {},
): Harness {
  const local = opts.local ?? new MemoryArea();
  const session = new MemoryArea();
  const clock = opts.clock ?? { now: 1_800_000_000 };
  const h: Harness = {
    local,
    session,
    clock,
    ref,
    tokenAvailable: true,
    rt: new KeyRuntime({
      local,
      session,
      fetch: opts.fetch ?? ((url, init) => fetch(url, init)),
      ...(opts.webfingerOrigin === undefined ? {} : { webfingerOrigin: opts.webfingerOrigin }),
      now: () => Promise.resolve(clock.now),
      token: (account) =>
        Promise.resolve(
          h.tokenAvailable && account.origin === ref.origin && account.accountId === ref.accountId ? token : null,
        ),
      // Minimum Argon2id cost: these tests check behaviour, not KDF strength.
      vaultCost: { opslimit: 1, memlimit: 8192 },
      backupCost: { opslimit: 1, memlimit: 8192 },
    }),
  };
  return h;
}
