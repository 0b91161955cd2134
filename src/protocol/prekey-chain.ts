// Forward-secure prekey chain (docs/PROTOCOL.md §2). Pure state transitions: state in, new state out.
import { wipe } from './bytes';
import { LABEL } from './labels';
import { kdf } from './kdf';
import { sodium, systemRng, type Rng } from './sodium';

export const DEFAULT_EPOCH_PERIOD_SECONDS = 7 * 24 * 3600;
export const DEFAULT_GRACE_SECONDS = 30 * 24 * 3600;
export const MAX_RETAINED = 255;

export interface RetainedPrekey {
  readonly epoch: number;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface PrekeyChainState {
  /** Unix seconds at which epoch 0 starts. */
  readonly origin: number;
  /** Epoch length in seconds. */
  readonly period: number;
  /** Current epoch e. */
  readonly epoch: number;
  /** c_e: the only chain secret kept. */
  readonly chainSecret: Uint8Array;
  /** Prekey secrets still inside the grace window, ascending by epoch, always including the current one. */
  readonly retained: readonly RetainedPrekey[];
}

const EMPTY = new Uint8Array(0);

export function nextChainSecret(c: Uint8Array): Uint8Array {
  return kdf(c, LABEL.chainNext, EMPTY, 32);
}

export function prekeyFromChainSecret(epoch: number, c: Uint8Array): RetainedPrekey {
  const secretKey = kdf(c, LABEL.prekey, EMPTY, 32);
  return { epoch, secretKey, publicKey: sodium().crypto_scalarmult_base(secretKey) };
}

export function epochAt(origin: number, period: number, now: number): number {
  if (now <= origin) return 0;
  return Math.floor((now - origin) / period);
}

function checkTimes(origin: number, period: number): void {
  if (!Number.isSafeInteger(origin) || origin < 0 || origin > 0xffffffff)
    throw new RangeError('origin must be u32 seconds');
  if (!Number.isSafeInteger(period) || period < 60 || period > 0xffffffff)
    throw new RangeError('period must be >= 60 s');
}

export interface CreateChainOptions {
  /**
   * Number of the new chain's first epoch (default 0). For an explicit re-key without the old state, pass one
   * more than the last epoch ever published, so the new bundle is not an epoch rollback for anyone (§2).
   * The origin is placed `firstEpoch` periods before `now`, so epoch(now) = firstEpoch.
   */
  readonly firstEpoch?: number;
}

/** New chain whose first epoch (default 0) starts at `now`. */
export function createChain(
  now: number,
  period: number = DEFAULT_EPOCH_PERIOD_SECONDS,
  rng: Rng = systemRng,
  options: CreateChainOptions = {},
): PrekeyChainState {
  checkTimes(now, period);
  const first = options.firstEpoch ?? 0;
  if (!Number.isSafeInteger(first) || first < 0 || first > 0xffffffff) throw new RangeError('firstEpoch must be u32');
  const origin = now - first * period;
  if (origin < 0) throw new RangeError('firstEpoch too large for this period: origin would precede 1970');
  const c0 = rng(32);
  return { origin, period, epoch: first, chainSecret: c0, retained: [prekeyFromChainSecret(first, c0)] };
}

/**
 * Explicit re-key (§2): a fresh random chain secret whose epoch numbering continues after `old`'s, so the
 * new bundle's epoch is above every epoch published before and `checkBundleUpdate` accepts it as 'ok'.
 * Origin and period are kept; the new epoch is max(old.epoch, epoch(now)) + 1, i.e. the state may run up to
 * one epoch ahead of the clock (advanceChain waits until the clock catches up). The old chain's retained
 * prekey secrets are carried over (same objects) so messages already wrapped to them stay readable until
 * pruned; the old chain secret is not, so nothing of the old chain's future is derivable from the result.
 * The input is untouched: persist the result, then `wipeChainState(old, result)`.
 */
export function rekeyChain(old: PrekeyChainState, now: number, rng: Rng = systemRng): PrekeyChainState {
  const first = Math.max(old.epoch, epochAt(old.origin, old.period, now)) + 1;
  if (first > 0xffffffff || old.origin + first * old.period > 0xffffffff)
    throw new RangeError('re-key: epoch beyond u32 time');
  const c = rng(32);
  const retained = [...old.retained.filter((r) => r.epoch < first), prekeyFromChainSecret(first, c)].slice(
    -MAX_RETAINED,
  );
  return { origin: old.origin, period: old.period, epoch: first, chainSecret: c, retained };
}

/** Move to epoch(now). Never goes backwards. Intermediate chain secrets are wiped; the input is untouched. */
export function advanceChain(state: PrekeyChainState, now: number): PrekeyChainState {
  const target = epochAt(state.origin, state.period, now);
  if (target <= state.epoch) return state;
  let c: Uint8Array = state.chainSecret.slice();
  const retained = state.retained.slice();
  for (let e = state.epoch + 1; e <= target; e++) {
    const next = nextChainSecret(c);
    wipe(c);
    c = next;
    // Epochs far behind `target` would be pruned at once; skip deriving them.
    if (target - e < MAX_RETAINED) retained.push(prekeyFromChainSecret(e, c));
  }
  return { ...state, epoch: target, chainSecret: c, retained: retained.slice(-MAX_RETAINED) };
}

/** Delete prekey secrets of epochs that ended more than `grace` seconds before `now` (current epoch kept). */
export function pruneChain(
  state: PrekeyChainState,
  now: number,
  grace: number = DEFAULT_GRACE_SECONDS,
): PrekeyChainState {
  const kept = state.retained.filter(
    (p) => p.epoch === state.epoch || now < state.origin + (p.epoch + 1) * state.period + grace,
  );
  return kept.length === state.retained.length ? state : { ...state, retained: kept };
}

export function currentPrekey(state: PrekeyChainState): RetainedPrekey {
  const p = state.retained.find((r) => r.epoch === state.epoch);
  return p ?? prekeyFromChainSecret(state.epoch, state.chainSecret);
}

/** Prekey secrets the receiver may use, oldest first. */
export function retainedSecrets(state: PrekeyChainState): readonly RetainedPrekey[] {
  return state.retained;
}

/** Zeroise a state the caller is discarding (after persisting its successor). */
export function wipeChainState(state: PrekeyChainState, successor?: PrekeyChainState): void {
  const keep = new Set(successor?.retained.map((r) => r.secretKey) ?? []);
  if (successor?.chainSecret !== state.chainSecret) wipe(state.chainSecret);
  for (const r of state.retained) if (!keep.has(r.secretKey)) wipe(r.secretKey);
}
