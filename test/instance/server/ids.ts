// Mastodon-like snowflake ids: milliseconds since the epoch shifted left by 16 bits, plus 16 low
// bits. Each instance starts its low bits at a random salt, so two instances never hand out the
// same id for "the same" status (as on the real network, where a remote status gets a local id).
export class SnowflakeIds {
  private lastMs = 0n;
  private seq: bigint;
  private readonly salt: bigint;

  constructor(salt = Math.floor(Math.random() * 0x8000)) {
    this.salt = BigInt(salt & 0x7fff);
    this.seq = this.salt;
  }

  next(now: number = Date.now()): string {
    let ms = BigInt(now);
    if (ms <= this.lastMs) {
      // Same (or earlier, if the clock moved back) millisecond: stay monotonic.
      ms = this.lastMs;
      this.seq += 1n;
      if (this.seq > 0xffffn) {
        ms += 1n;
        this.seq = this.salt;
      }
    } else {
      this.seq = this.salt;
    }
    this.lastMs = ms;
    return ((ms << 16n) | this.seq).toString();
  }
}

/** True for a decimal id string a client may send as max_id/since_id/min_id. */
export function isIdLike(value: string): boolean {
  return /^[0-9]{1,20}$/.test(value);
}
