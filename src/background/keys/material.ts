/**
 * Secret key material in memory (protocol types) and at rest (PlainSecrets, base64url), plus the
 * rotation step. Rotation is pure here: state in, new state out; the caller stores the new state
 * BEFORE publishing, and never prunes the prekey of the epoch that is still published, so an
 * interrupted rotation or a failed publish never loses the keys senders are using.
 */
import sodium from 'libsodium-wrappers-sumo';
import { advanceChain, identityFromSeed, pruneChain, type Identity, type PrekeyChainState } from '../../protocol/index';
import { b64, unb64 } from '../../messaging/encoding';
import type { ChainRecord, PlainSecrets } from '../storage/schema';

export interface KeyMaterial {
  readonly identity: Identity;
  readonly chain: PrekeyChainState;
}

export function toPlain(m: KeyMaterial): PlainSecrets {
  const c = m.chain;
  const chain: ChainRecord = {
    origin: c.origin,
    period: c.period,
    epoch: c.epoch,
    chainSecret: b64(c.chainSecret),
    retained: c.retained.map((r) => ({ epoch: r.epoch, secretKey: b64(r.secretKey) })),
  };
  return { kind: 'plain', identitySeed: b64(m.identity.seed), chain };
}

/** null when the stored secrets are damaged (never throws). */
export function fromPlain(actorUri: string, p: PlainSecrets): KeyMaterial | null {
  const seed = unb64(p.identitySeed);
  const chainSecret = unb64(p.chain.chainSecret);
  if (seed?.length !== 32 || chainSecret?.length !== 32) return null;
  const retained = [];
  for (const r of p.chain.retained) {
    const sk = unb64(r.secretKey);
    if (sk?.length !== 32) return null;
    retained.push({ epoch: r.epoch, secretKey: sk, publicKey: sodium.crypto_scalarmult_base(sk) });
  }
  try {
    const identity = identityFromSeed(actorUri, seed);
    return {
      identity,
      chain: { origin: p.chain.origin, period: p.chain.period, epoch: p.chain.epoch, chainSecret, retained },
    };
  } catch {
    return null;
  }
}

export function chainInfo(c: PrekeyChainState): { origin: number; period: number; epoch: number; oldestEpoch: number } {
  return {
    origin: c.origin,
    period: c.period,
    epoch: c.epoch,
    oldestEpoch: c.retained.reduce((m, r) => Math.min(m, r.epoch), c.epoch),
  };
}

/**
 * Advance to the epoch of `now`, then delete prekey secrets past the grace window, except those of
 * epochs at or after `publishedEpoch` (senders may still use the published prekey).
 */
export function rotate(
  chain: PrekeyChainState,
  now: number,
  graceSeconds: number,
  publishedEpoch: number | null,
): PrekeyChainState {
  const advanced = advanceChain(chain, now);
  const pruned = pruneChain(advanced, now, graceSeconds);
  if (publishedEpoch === null || pruned === advanced) return pruned;
  const keep = advanced.retained.filter((r) => r.epoch >= publishedEpoch && !pruned.retained.includes(r));
  if (keep.length === 0) return pruned;
  return { ...pruned, retained: [...pruned.retained, ...keep].sort((a, b) => a.epoch - b.epoch) };
}

/** True when two chain states hold the same epochs (nothing to store). */
export const sameChain = (a: PrekeyChainState, b: PrekeyChainState): boolean =>
  a.epoch === b.epoch &&
  a.retained.length === b.retained.length &&
  a.retained.every((r, i) => r.epoch === b.retained[i]?.epoch);
