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
  if (!Number.isSafeInteger(origin) || origin < 0 || origin > 0xffffffff) throw new RangeError('origin must be u32 seconds');
  if (!Number.isSafeInteger(period) || period < 60 || period > 0xffffffff) throw new RangeError('period must be >= 60 s');
}

/** New chain starting at epoch 0 at `now`. */
export function createChain(now: number, period: number = DEFAULT_EPOCH_PERIOD_SECONDS, rng: Rng = systemRng): PrekeyChainState {
  checkTimes(now, period);
  const c0 = rng(32);
  return { origin: now, period, epoch: 0, chainSecret: c0, retained: [prekeyFromChainSecret(0, c0)] };
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
export function pruneChain(state: PrekeyChainState, now: number, grace: number = DEFAULT_GRACE_SECONDS): PrekeyChainState {
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
