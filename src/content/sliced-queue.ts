/**
 * Runs queued DOM work in slices of at most `budgetMs` each, yielding to the page in between.
 * Mounting an extension frame costs the page's main thread a few milliseconds; a page of 200
 * encrypted statuses done in one go was a long task (4 traced loads of the bench's home timeline:
 * six tasks of 52-133 ms in Hush's script before slicing, three to four after, each of those a
 * single frame insertion). Yields go through a private MessageChannel, which, unlike setTimeout, is not
 * throttled to once a second in a background tab.
 */
export class SlicedQueue {
  private readonly jobs: (() => void)[] = [];
  private scheduled = false;
  private disposed = false;
  private readonly yieldThen: (run: () => void) => void;
  private readonly channel: MessageChannel | null = null;

  constructor(
    private readonly budgetMs = 8,
    private readonly now: () => number = () => performance.now(),
    yieldThen?: (run: () => void) => void,
  ) {
    if (yieldThen !== undefined) this.yieldThen = yieldThen;
    else {
      const channel = new MessageChannel();
      this.channel = channel;
      this.yieldThen = messageChannelYield(channel);
    }
  }

  /** Drops the queued jobs and closes the channel: nothing queued runs any more. */
  dispose(): void {
    this.disposed = true;
    this.jobs.length = 0;
    this.channel?.port1.close();
    this.channel?.port2.close();
  }

  get size(): number {
    return this.jobs.length;
  }

  push(job: () => void): void {
    if (this.disposed) return;
    this.jobs.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    this.yieldThen(() => {
      this.run();
    });
  }

  /** `scheduled` stays true while a slice runs, so jobs pushed by a job join this slice's queue. */
  private run(): void {
    const end = this.now() + this.budgetMs;
    let job = this.jobs.shift();
    while (job !== undefined) {
      try {
        job();
      } catch (e) {
        // One failing job must not stop the others; the error still reaches the console.
        setTimeout(() => {
          throw e;
        }, 0);
      }
      if (this.now() >= end) break;
      job = this.jobs.shift();
    }
    if (this.jobs.length > 0)
      this.yieldThen(() => {
        this.run();
      });
    else this.scheduled = false;
  }
}

function messageChannelYield(channel: MessageChannel): (run: () => void) => void {
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => {
    waiting.shift()?.();
  };
  return (run) => {
    waiting.push(run);
    channel.port2.postMessage(null);
  };
}
