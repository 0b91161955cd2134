/**
 * How a secure frame waiting for its first genuine offer looks over time (frames/common.ts
 * joinSession). Its offer comes once the background has opened its session, which under load
 * (a busy worker, a slow instance answering the DM column's conversations) can take well over
 * 10 s for a view that then opens by itself. A failure-looking state for something that succeeds
 * is a false alarm, so the wait has three stages:
 * - blank: an empty extension document, as while any frame loads;
 * - opening: a calm line saying Hush is still opening it (no failure colour, no button);
 * - failed: "could not connect" with Try again, only after GIVE_UP_AFTER_MS without an offer, and
 *   never while a claim is out (an offer arrived and its join is on its way).
 * The frame keeps listening in every stage: an offer arriving late still opens it.
 * (A claim the background refuses is a definite answer, not slowness: common.ts says so at once,
 * after its one automatic reload.)
 */
export const OPENING_AFTER_MS = 10_000;
export const GIVE_UP_AFTER_MS = 60_000;
/** While a claim is out past the give-up time, looked at again this often. */
const RECHECK_MS = 1_000;

export type WaitStage = 'blank' | 'opening' | 'failed';

export function waitStage(elapsedMs: number, claiming: boolean): WaitStage {
  if (elapsedMs < OPENING_AFTER_MS) return 'blank';
  if (elapsedMs < GIVE_UP_AFTER_MS || claiming) return 'opening';
  return 'failed';
}

/** Milliseconds until the stage may change (null: it will not change by waiting). */
export function nextStageIn(elapsedMs: number, claiming: boolean): number | null {
  if (elapsedMs < OPENING_AFTER_MS) return OPENING_AFTER_MS - elapsedMs;
  if (elapsedMs < GIVE_UP_AFTER_MS) return GIVE_UP_AFTER_MS - elapsedMs;
  return claiming ? RECHECK_MS : null;
}
