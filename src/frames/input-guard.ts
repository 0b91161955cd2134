/**
 * Input protection for the controls that decide (send, add or remove a recipient, insert the
 * page's text, turn encryption off, send an invitation, reveal a revoked sender's text).
 *
 * Found by the independent page review (test/adversarial/review-page-clickjack.browser.test.ts):
 * the page MOVES a fully visible editor under a stationary pointer between the user's clicks on
 * its own bait, so that "+ @carol", "Add" and Send each receive one click. Occlusion checks
 * (IntersectionObserver v2) see covers, fades and transforms, not a move. Mailvelope's
 * CVE-2019-9147 is the same lesson.
 *
 * The rule: a pointer activation counts only if the frame has stood STILL under the pointer for
 * HOLD_MS. The frame sees where it is on screen from any pointer event: while it does not move,
 * the pointer's screen position and its position in the frame change together (screen delta =
 * k * client delta, k the page zoom in Chromium and 1 in Firefox), so the frame's origin
 * `screen - k * client` stays put. A change of origin (the page moved the frame, or scrolled it)
 * or a pointer that just entered (the frame may have been put under it) restarts the clock.
 * One relaxation keeps an ordinary pointing movement from being refused: a pointer that came in
 * across the frame's edge by its own motion (first seen within EDGE_PX of the edge, then moved
 * on screen while the frame stood still) needs EDGE_HOLD_MS only. A frame the page drops under a
 * pointer is entered wherever the control is, not at the edge; a frame slid in under it moves
 * while the pointer is in it, which restarts the clock.
 *
 * A control that appeared in the frame (a confirmation) counts only HOLD_MS after it appeared:
 * the second click of a double click cannot confirm what its first click opened.
 * Keyboard activation (a click with detail 0: Enter or Space on a focused button) is left to the
 * focus rules the callers already apply. A refused click is never silent: a note next to the
 * control says why and what to do.
 */
import { t } from '../messaging/i18n';

import { HOLD_MS, Stillness, type PointerSample, type Refusal } from './stillness';

/** How long a refusal note stays. */
const NOTE_MS = 6000;

const sample = (e: MouseEvent): PointerSample => ({
  sx: e.screenX,
  sy: e.screenY,
  cx: e.clientX,
  cy: e.clientY,
  at: performance.now(),
  w: window.innerWidth,
  h: window.innerHeight,
});

interface Down {
  readonly at: number;
  readonly target: EventTarget | null;
  refusal: Refusal | null;
}

let installed: { readonly still: Stillness; down: Down | null } | null = null;
const appeared = new WeakMap<Element, number>();
let note: HTMLElement | null = null;
let noteTimer: ReturnType<typeof setTimeout> | undefined;

function install(): { readonly still: Stillness; down: Down | null } {
  if (installed !== null) return installed;
  const state: { readonly still: Stillness; down: Down | null } = { still: new Stillness(), down: null };
  installed = state;
  const opts = { capture: true, passive: true };
  const seen = (e: PointerEvent): void => state.still.observe(sample(e));
  window.addEventListener(
    'pointerover',
    (e) => {
      if (e.relatedTarget === null) state.still.leave();
      seen(e);
    },
    opts,
  );
  window.addEventListener('pointermove', seen, opts);
  window.addEventListener(
    'pointerdown',
    (e) => {
      const s = sample(e);
      state.still.observe(s);
      state.down = { at: s.at, target: e.target, refusal: state.still.verdict(s) };
    },
    opts,
  );
  window.addEventListener(
    'pointerup',
    (e) => {
      const s = sample(e);
      state.still.observe(s);
      // The frame moved between press and release: the click lands where the user did not press.
      if (
        state.down !== null &&
        state.down.refusal === null &&
        state.still.verdict(s) !== null &&
        s.at - state.down.at < HOLD_MS
      )
        state.down.refusal = 'moved';
    },
    opts,
  );
  // A touch or pen leaves after every tap: its next tap is compared with this one, not taken as an entry.
  window.addEventListener(
    'pointerout',
    (e) => {
      if (e.relatedTarget === null && e.pointerType === 'mouse') state.still.leave();
    },
    opts,
  );
  window.addEventListener('resize', () => state.still.disturb(performance.now()), { passive: true });
  return state;
}

/** The refusal note, next to the control the user clicked. */
function showNote(control: HTMLElement, why: Refusal): void {
  if (note === null) {
    note = document.createElement('div');
    note.className = 'hush-guard-note';
    note.setAttribute('role', 'alert');
    document.body.append(note);
  }
  note.dataset.refusal = why;
  note.textContent = t(why === 'appeared' ? 'guardAppeared' : 'guardMoved');
  note.hidden = false;
  const r = control.getBoundingClientRect();
  const room = window.innerHeight - r.bottom;
  note.style.left = `${Math.max(4, Math.min(r.left, window.innerWidth - note.offsetWidth - 4))}px`;
  note.style.top =
    room >= note.offsetHeight + 8 ? `${r.bottom + 4}px` : `${Math.max(0, r.top - note.offsetHeight - 4)}px`;
  clearTimeout(noteTimer);
  noteTimer = setTimeout(hideNote, NOTE_MS);
}

function hideNote(): void {
  if (note !== null) note.hidden = true;
}

/**
 * Whether a click on `control` may act. A pointer click counts only if its press found the frame
 * still under the pointer (and the control there long enough); otherwise the note says why and
 * false is returned. A keyboard activation (detail 0) is the callers' focus rules' to judge.
 */
export function guardAllows(control: HTMLElement, e: MouseEvent): boolean {
  const state = install();
  if (e.detail === 0) return true;
  const d = state.down;
  let why: Refusal | null =
    d === null || !(d.target instanceof Node) || !control.contains(d.target) ? 'moved' : d.refusal;
  const since = appeared.get(control);
  if (why === null && since !== undefined && d !== null && d.at - since < HOLD_MS) why = 'appeared';
  if (why === null) {
    hideNote();
    return true;
  }
  // A refused press must not leave the control focused, ready for an Enter the page lures later.
  if (document.activeElement === control) control.blur();
  showNote(control, why);
  return false;
}

/**
 * Wires `act` to `control`'s clicks through the guard. `fresh`: the control just appeared (a
 * confirmation), so it counts only HOLD_MS after now.
 */
export function guarded(control: HTMLElement, act: () => void, fresh = false): void {
  install();
  if (fresh) appeared.set(control, performance.now());
  control.addEventListener('click', (e) => {
    if (guardAllows(control, e)) act();
  });
}

/** Starts watching the pointer now (a frame calls it at load, so the clock runs before any control exists). */
export function watchPointer(): void {
  install();
}
