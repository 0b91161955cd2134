/**
 * The input guard's stillness rule (see input-guard.ts for why): pure bookkeeping on pointer
 * samples, free of the DOM and of the extension APIs, so it is unit-tested with samples.
 */
/** How long the frame must stand still under the pointer before a click counts. */
export const HOLD_MS = 500;
/** How long after a pointer came in across the edge by its own motion. */
export const EDGE_HOLD_MS = 200;
/** "At the edge": the first position seen in the frame is this close to a side. */
export const EDGE_PX = 48;
/** How far the pointer must move on screen after an edge entry to count as the user's motion. */
const OWN_MOTION_PX = 6;

/** Zoom levels the browsers offer (Chromium's and Firefox's menus): the only k learnt from motion. */
const ZOOMS = [
  0.25, 0.3, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.2, 1.25, 1.33, 1.5, 1.7, 1.75, 2, 2.4, 2.5, 3, 4, 5,
];

export interface PointerSample {
  /** MouseEvent.screenX / screenY. */
  readonly sx: number;
  readonly sy: number;
  /** MouseEvent.clientX / clientY. */
  readonly cx: number;
  readonly cy: number;
  /** When (ms). */
  readonly at: number;
  /** The frame's viewport size then. */
  readonly w: number;
  readonly h: number;
}

export type Refusal = 'moved' | 'entered' | 'appeared';

/**
 * The stillness bookkeeping, free of the DOM (unit-tested with samples). `observe` every pointer
 * event of the frame; `leave` when the pointer leaves it; `disturb` when the frame's layout
 * changed under the pointer (resize).
 */
export class Stillness {
  /** Screen pixels per CSS pixel of the frame. */
  private k = 1;
  private last: PointerSample | null = null;
  /** Since when the frame has been seen still under the pointer. */
  private since = 0;
  /** The first sample after an edge entry, or null when the clock did not start at an edge. */
  private edgeEntry: PointerSample | null = null;
  /** Why the clock last restarted. */
  private cause: 'moved' | 'entered' = 'entered';

  leave(): void {
    this.last = null;
    this.edgeEntry = null;
  }

  disturb(at: number): void {
    this.since = at;
    this.edgeEntry = null;
    this.cause = 'moved';
  }

  observe(s: PointerSample): void {
    const p = this.last;
    this.last = s;
    if (p === null) {
      this.since = s.at;
      this.cause = 'entered';
      const edge = Math.min(s.cx, s.cy, s.w - s.cx, s.h - s.cy) <= EDGE_PX;
      this.edgeEntry = edge ? s : null;
      return;
    }
    const dsx = s.sx - p.sx;
    const dsy = s.sy - p.sy;
    const dcx = s.cx - p.cx;
    const dcy = s.cy - p.cy;
    this.learn(dsx, dcx, dsy, dcy);
    const tol = (d: number): number => 2 + 0.02 * Math.abs(d);
    if (Math.abs(dsx - this.k * dcx) > tol(dcx) || Math.abs(dsy - this.k * dcy) > tol(dcy)) this.disturb(s.at);
  }

  /** Whether a pointerdown just observed (`s`) may act, or why not. */
  verdict(s: PointerSample): Refusal | null {
    const held = s.at - this.since;
    if (held >= HOLD_MS) return null;
    const e = this.edgeEntry;
    if (e !== null && held >= EDGE_HOLD_MS && Math.hypot(s.sx - e.sx, s.sy - e.sy) >= OWN_MOTION_PX) return null;
    return this.cause;
  }

  /** The page zoom, from a clean motion on an axis (only a zoom level a browser offers). */
  private learn(dsx: number, dcx: number, dsy: number, dcy: number): void {
    const rx = Math.abs(dcx) >= 12 ? dsx / dcx : null;
    const ry = Math.abs(dcy) >= 12 ? dsy / dcy : null;
    const r = rx ?? ry;
    if (r === null || (rx !== null && ry !== null && Math.abs(rx - ry) > 0.03 * Math.max(rx, ry))) return;
    const z = ZOOMS.find((level) => Math.abs(level - r) <= 0.02 * level);
    if (z !== undefined) this.k = z;
  }
}
