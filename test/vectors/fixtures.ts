// Deterministic parties and helpers shared by the vector generator and the vector tests.
import { fromHex, toHex } from '../../src/protocol/bytes';
import {
  advanceChain,
  createChain,
  nextChainSecret,
  prekeyFromChainSecret,
  pruneChain,
  currentPrekey,
  type PrekeyChainState,
} from '../../src/protocol/prekey-chain';
import { identityFromSeed, type Identity } from '../../src/protocol/identity';
import { deterministicRng, init, type Rng } from '../../src/protocol/sodium';
import type { RecipientKey } from '../../src/protocol/encrypt';
import type { Party } from '../../src/protocol/message-crypto';

// The fixed parties below are derived at import time.
await init();

/** 2027-01-15T08:00:00Z: "now" for all vectors. */
export const NOW = 1_800_000_000;
export const WEEK = 7 * 24 * 3600;

export interface PartySpec {
  readonly name: string;
  readonly actorUri: string;
  readonly identitySeed: string; // hex
  readonly chainOrigin: number;
  readonly chainPeriod: number;
  readonly chainC0: string; // hex, c_0
}

export interface LiveParty {
  readonly spec: PartySpec;
  readonly identity: Identity;
  readonly party: Party;
  /** Chain advanced to NOW and pruned with the default grace. */
  readonly chain: PrekeyChainState;
  readonly key: RecipientKey;
}

export function makeSpec(name: string, host = 'social.example', originWeeksAgo = 3): PartySpec {
  const rng = deterministicRng(`hush-vectors/party/${name}`);
  return {
    name,
    actorUri: `https://${host}/users/${name}`,
    identitySeed: toHex(rng(32)),
    chainOrigin: NOW - originWeeksAgo * WEEK - 3600,
    chainPeriod: WEEK,
    chainC0: toHex(rng(32)),
  };
}

export function chainAt(spec: PartySpec, now: number): PrekeyChainState {
  const c0 = fromHex(spec.chainC0);
  const start = createChain(spec.chainOrigin, spec.chainPeriod, () => c0.slice());
  return pruneChain(advanceChain(start, now), now);
}

export function live(spec: PartySpec, now = NOW): LiveParty {
  const identity = identityFromSeed(spec.actorUri, fromHex(spec.identitySeed));
  const chain = chainAt(spec, now);
  const pre = currentPrekey(chain);
  const party = { actorUri: spec.actorUri, identityPk: identity.publicKey };
  return { spec, identity, party, chain, key: { ...party, prekeyPk: pre.publicKey, epoch: pre.epoch } };
}

/** The RNG as a tape of recorded values: vectors list every random draw explicitly. */
export function tapeRng(tape: readonly string[]): Rng {
  let i = 0;
  return (n) => {
    const v = tape[i++];
    if (v === undefined || v.length !== 2 * n) throw new Error(`tape: draw ${i - 1} of ${n} bytes does not match`);
    return fromHex(v);
  };
}

/** Record the draws of a deterministic RNG, to store them in a vector. */
export function recordingRng(seed: string): { rng: Rng; tape: string[] } {
  const base = deterministicRng(seed);
  const tape: string[] = [];
  return {
    tape,
    rng: (n) => {
      const v = base(n);
      tape.push(toHex(v));
      return v;
    },
  };
}

export const ALICE = makeSpec('alice', 'alice.example');
export const BOB = makeSpec('bob');
export const CAROL = makeSpec('carol', 'other.example');
export const DAVE = makeSpec('dave');
export const MALLORY = makeSpec('mallory', 'evil.example');
export const MANY: readonly PartySpec[] = Array.from({ length: 20 }, (_, i) =>
  makeSpec(`r${String(i + 1).padStart(2, '0')}`, `i${i % 4}.example`),
);

/** An old prekey, for "expired" cases. */
export function prekeyAtEpoch(spec: PartySpec, epoch: number): { publicKey: Uint8Array; epoch: number } {
  let c = fromHex(spec.chainC0);
  for (let e = 0; e < epoch; e++) c = nextChainSecret(c);
  return { publicKey: prekeyFromChainSecret(epoch, c).publicKey, epoch };
}

export function mentionOf(spec: PartySpec): string {
  const u = new URL(spec.actorUri);
  return `@${spec.name}@${u.host}`;
}
