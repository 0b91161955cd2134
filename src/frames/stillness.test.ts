/**
 * The input guard's stillness rule on pointer samples (the browser tests in
 * test/adversarial/review-page-clickjack.browser.test.ts drive it with real pointers).
 */
import { describe, expect, it } from 'vitest';
import { EDGE_HOLD_MS, HOLD_MS, Stillness, type PointerSample } from './stillness';

/** A frame of 400x300 at screen origin (ox, oy), zoom k: the pointer at client (cx, cy) at time `at`. */
const at = (ox: number, oy: number, cx: number, cy: number, time: number, k = 1): PointerSample => ({
  sx: ox + k * cx,
  sy: oy + k * cy,
  cx,
  cy,
  at: time,
  w: 400,
  h: 300,
});

describe('input guard: stillness', () => {
  it('a pointer that just entered deep inside the frame (the frame came to it) is refused until it held still', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 200, 150, 0));
    expect(s.verdict(at(100, 100, 200, 150, 150))).toBe('entered');
    expect(s.verdict(at(100, 100, 200, 150, HOLD_MS))).toBeNull();
  });

  it('the frame moved under a stationary pointer: refused, whatever the time since entry', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 200, 150, 0));
    s.observe(at(100, 100, 200, 150, 2000));
    // The page moves the frame 80 px left: same screen point, client x grows by 80.
    const down = at(20, 100, 280, 150, 2100);
    s.observe(down);
    expect(s.verdict(down)).toBe('moved');
    expect(s.verdict(at(20, 100, 280, 150, 2100 + HOLD_MS))).toBeNull();
  });

  it('the frame moved along with a moving pointer is seen (screen and client deltas disagree)', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 10, 150, 0));
    s.observe(at(100, 100, 60, 150, 600));
    const down = at(130, 100, 60, 150, 700); // pointer moved 30 px right on screen, frame too
    s.observe(down);
    expect(s.verdict(down)).toBe('moved');
  });

  it('a pointer coming in across the edge by its own motion needs only the short hold', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 395, 280, 0));
    s.observe(at(100, 100, 380, 275, 60));
    s.observe(at(100, 100, 360, 270, 120));
    expect(s.verdict(at(100, 100, 360, 270, 120))).toBe('entered');
    const down = at(100, 100, 355, 268, EDGE_HOLD_MS);
    s.observe(down);
    expect(s.verdict(down)).toBeNull();
  });

  it('an edge entry of a pointer that does not move (the frame slid its edge under it) gets no relaxation', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 395, 280, 0));
    const down = at(100, 100, 395, 280, EDGE_HOLD_MS + 50);
    s.observe(down);
    expect(s.verdict(down)).toBe('entered');
  });

  it('a zoomed frame (Chromium: screen = k * client) is not taken as moving when the pointer moves', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 200, 150, 0, 1.25));
    for (let i = 1; i <= 10; i++) s.observe(at(100, 100, 200 - 8 * i, 150 + 5 * i, 60 * i, 1.25));
    const down = at(100, 100, 120, 200, 700, 1.25);
    s.observe(down);
    expect(s.verdict(down)).toBeNull();
  });

  it('leaving restarts the clock at the next entry; a resize restarts it too', () => {
    const s = new Stillness();
    s.observe(at(100, 100, 200, 150, 0));
    s.leave();
    s.observe(at(100, 100, 200, 150, 1000));
    expect(s.verdict(at(100, 100, 200, 150, 1100))).toBe('entered');
    s.disturb(2000);
    expect(s.verdict(at(100, 100, 200, 150, 2100))).toBe('moved');
    expect(s.verdict(at(100, 100, 200, 150, 2000 + HOLD_MS))).toBeNull();
  });
});
