import { beforeAll, describe, expect, it } from 'vitest';
import { toHex } from './bytes';
import {
  advanceChain,
  createChain,
  currentPrekey,
  epochAt,
  nextChainSecret,
  prekeyFromChainSecret,
  pruneChain,
  rekeyChain,
  wipeChainState,
} from './prekey-chain';
import { deterministicRng, init } from './sodium';

const DAY = 86400;
const T0 = 1_800_000_000;

beforeAll(async () => {
  await init();
});

describe('prekey chain', () => {
  it('derives epochs one-way: c_{e+1} from c_e, prekeys from c_e, public keys match secrets', () => {
    const s0 = createChain(T0, 7 * DAY, deterministicRng('chain'));
    const s3 = advanceChain(s0, T0 + 21 * DAY + 5);
    expect(s3.epoch).toBe(3);
    expect(toHex(s3.chainSecret)).toBe(toHex(nextChainSecret(nextChainSecret(nextChainSecret(s0.chainSecret)))));
    expect(s3.retained.map((r) => r.epoch)).toEqual([0, 1, 2, 3]);
    let c = s0.chainSecret;
    for (const r of s3.retained) {
      expect(toHex(r.publicKey)).toBe(toHex(prekeyFromChainSecret(r.epoch, c).publicKey));
      c = nextChainSecret(c);
    }
    // Two devices holding the same state follow the same future without talking to each other.
    const other = advanceChain(s0, T0 + 21 * DAY + 5);
    expect(toHex(currentPrekey(other).publicKey)).toBe(toHex(currentPrekey(s3).publicKey));
    // The input state is untouched (pure transition).
    expect(s0.epoch).toBe(0);
    expect(s0.retained).toHaveLength(1);
  });

  it('never moves backwards when the clock does', () => {
    const s = advanceChain(createChain(T0, 7 * DAY, deterministicRng('c2')), T0 + 30 * DAY);
    expect(advanceChain(s, T0 + DAY)).toBe(s);
    expect(epochAt(T0, 7 * DAY, T0 - 100)).toBe(0);
  });

  it('prunes prekey secrets past the grace window (forward secrecy) but keeps the current one', () => {
    const s = advanceChain(createChain(T0, 7 * DAY, deterministicRng('c3')), T0 + 70 * DAY);
    expect(s.epoch).toBe(10);
    const p = pruneChain(s, T0 + 70 * DAY, 30 * DAY);
    // Epoch e ends at T0 + (e+1)*7d; kept while now < end + 30d: (e+1)*7 + 30 > 70, i.e. e >= 5.
    expect(p.retained.map((r) => r.epoch)).toEqual([5, 6, 7, 8, 9, 10]);
    const all = pruneChain(s, T0 + 1000 * DAY, 0);
    expect(all.retained.map((r) => r.epoch)).toEqual([10]);
    // Grace is a parameter, not a constant.
    expect(pruneChain(s, T0 + 70 * DAY, 7 * DAY).retained.map((r) => r.epoch)).toEqual([9, 10]);
  });

  it('the current chain secret cannot be walked back: no deleted epoch prekey is derivable from it', () => {
    const s0 = createChain(T0, 7 * DAY, deterministicRng('c4'));
    const s5 = pruneChain(advanceChain(s0, T0 + 35 * DAY), T0 + 35 * DAY, 0);
    const forward = new Set<string>();
    let c = s5.chainSecret;
    for (let i = 0; i < 20; i++) {
      forward.add(toHex(prekeyFromChainSecret(0, c).publicKey));
      c = nextChainSecret(c);
    }
    expect(forward.has(toHex(currentPrekey(s0).publicKey))).toBe(false);
    expect(s5.retained.some((r) => r.epoch === 0)).toBe(false);
  });

  it('wipeChainState zeroises what the successor no longer holds', () => {
    const s0 = createChain(T0, 7 * DAY, deterministicRng('c5'));
    const s1 = pruneChain(advanceChain(s0, T0 + 60 * DAY), T0 + 60 * DAY, 0);
    wipeChainState(s0, s1);
    expect(s0.chainSecret.every((b) => b === 0)).toBe(true);
    expect(s1.chainSecret.some((b) => b !== 0)).toBe(true);
  });

  it('re-key numbering: continues after the old epoch or the clock, whichever is later; firstEpoch places the origin', () => {
    const s0 = createChain(T0, 7 * DAY, deterministicRng('rekey-num'));
    // State not advanced for 5 weeks: the re-key starts after the clock's epoch, not after the stale state's.
    const late = rekeyChain(s0, T0 + 35 * DAY + 1, deterministicRng('rekey-num-2'));
    expect([late.origin, late.epoch, late.retained.map((r) => r.epoch)]).toEqual([T0, 6, [0, 6]]);
    expect(advanceChain(late, T0 + 42 * DAY + 1).epoch).toBe(6);
    expect(advanceChain(late, T0 + 49 * DAY + 1).epoch).toBe(7);
    const fresh = createChain(T0, 7 * DAY, deterministicRng('rekey-num-3'), { firstEpoch: 9 });
    expect([fresh.origin, fresh.epoch, epochAt(fresh.origin, fresh.period, T0)]).toEqual([T0 - 63 * DAY, 9, 9]);
    expect(() => createChain(100, 7 * DAY, deterministicRng('x'), { firstEpoch: 1 })).toThrow(RangeError);
    expect(() => createChain(T0, 7 * DAY, deterministicRng('x'), { firstEpoch: -1 })).toThrow(RangeError);
  });
});
