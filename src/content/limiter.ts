/**
 * Runs at most `limit` async jobs at once, the rest in the order they were queued. A job that
 * throws frees its place like one that returns.
 */
export class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit)
      await new Promise<void>((r) => {
        this.waiting.push(r);
      });
    else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
