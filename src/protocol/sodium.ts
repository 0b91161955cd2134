// The one place that touches libsodium's readiness. Every other module calls sodium() after init().
import libsodium from 'libsodium-wrappers-sumo';

export type Sodium = typeof libsodium;

let ready = false;

/** Wait for the libsodium WASM module. Idempotent; call once before any other protocol function. */
export async function init(): Promise<void> {
  await libsodium.ready;
  ready = true;
}

/** The initialised libsodium instance. Throws (a programming error, never hostile input) before init(). */
export function sodium(): Sodium {
  if (!ready) throw new Error('hush protocol: call init() first');
  return libsodium;
}

/** Source of randomness. Injectable so that vectors are deterministic; production uses libsodium. */
export type Rng = (length: number) => Uint8Array;

export const systemRng: Rng = (length) => sodium().randombytes_buf(length);

/**
 * Deterministic RNG for vectors and tests ONLY: BLAKE2b(seed, counter) keystream.
 * Never use it for real keys.
 */
export function deterministicRng(seed: string): Rng {
  const s = sodium();
  const key = s.crypto_generichash(32, s.from_string(seed), null);
  let counter = 0;
  return (length) => {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const block = s.crypto_generichash(
        64,
        new Uint8Array([counter >>> 24, (counter >>> 16) & 255, (counter >>> 8) & 255, counter & 255]),
        key,
      );
      counter++;
      const n = Math.min(64, length - filled);
      out.set(block.subarray(0, n), filled);
      filled += n;
    }
    return out;
  };
}
