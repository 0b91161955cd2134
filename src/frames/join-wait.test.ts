import { describe, expect, it } from 'vitest';
import { GIVE_UP_AFTER_MS, nextStageIn, OPENING_AFTER_MS, waitStage } from './join-wait';

/** Plays a frame's wait as common.ts does: a tick at each stage change, an offer arriving at `offerAt` (or never). */
function play(offerAt: number | null, claimMs = 0): { stages: string[]; failedBeforeJoin: boolean } {
  const stages: string[] = [];
  let at = OPENING_AFTER_MS;
  for (;;) {
    const claiming = offerAt !== null && at >= offerAt && at < offerAt + claimMs;
    if (offerAt !== null && at >= offerAt + claimMs) return { stages, failedBeforeJoin: stages.includes('failed') };
    const stage = waitStage(at, claiming);
    if (stages.at(-1) !== stage) stages.push(stage);
    if (stage === 'failed') return { stages, failedBeforeJoin: true };
    const next = nextStageIn(at, claiming);
    if (next === null) return { stages, failedBeforeJoin: false };
    // The next tick, or the offer's arrival / the claim's end if sooner (common.ts reacts to those at once).
    const events = [at + next, ...(offerAt !== null ? [offerAt, offerAt + claimMs].filter((x) => x > at) : [])];
    at = Math.min(...events);
  }
}

describe('a secure frame waiting for its session (join-wait.ts)', () => {
  it('F2: a views-open answered after 10 s (a busy background) never shows a failure-looking state', () => {
    // The old frame said "could not connect" at 10 s for a view that then opened by itself.
    for (const offerAt of [10_500, 15_000, 30_000, 59_000]) {
      const r = play(offerAt);
      expect(r.failedBeforeJoin, String(offerAt)).toBe(false);
      expect(r.stages, String(offerAt)).toEqual(['opening']);
    }
    expect(waitStage(12_000, false)).toBe('opening');
    expect(waitStage(59_999, false)).toBe('opening');
  });

  it('nothing at all before 10 s, as any frame while it loads', () => {
    expect(waitStage(0, false)).toBe('blank');
    expect(waitStage(9_999, false)).toBe('blank');
    expect(nextStageIn(0, false)).toBe(OPENING_AFTER_MS);
  });

  it('no offer at all (a frame the page copied, a worker that never answers): "could not connect" with Try again after 60 s', () => {
    expect(play(null).stages).toEqual(['opening', 'failed']);
    expect(waitStage(GIVE_UP_AFTER_MS, false)).toBe('failed');
    expect(nextStageIn(GIVE_UP_AFTER_MS + 5, false)).toBeNull();
  });

  it('an offer that came late and whose claim is still out when the wait runs out is not a failure', () => {
    expect(waitStage(GIVE_UP_AFTER_MS + 10_000, true)).toBe('opening');
    expect(nextStageIn(GIVE_UP_AFTER_MS + 10_000, true)).toBeGreaterThan(0);
    const r = play(GIVE_UP_AFTER_MS - 100, 5_000);
    expect(r.failedBeforeJoin).toBe(false);
  });

  it('the stages only move forward', () => {
    const order = { blank: 0, opening: 1, failed: 2 };
    let last = 0;
    for (let ms = 0; ms <= 2 * GIVE_UP_AFTER_MS; ms += 250) {
      const s = order[waitStage(ms, false)];
      expect(s).toBeGreaterThanOrEqual(last);
      last = s;
    }
  });
});
