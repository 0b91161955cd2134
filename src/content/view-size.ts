/**
 * A secure view's height: a public function of the size class (2 bits, computed by the
 * background from the ciphertext's length) and the page's line height. Nothing else a page could
 * measure depends on the message (issue #15, invariant 5); longer text scrolls inside the frame.
 */
import type { SizeClass } from '../messaging/overlay-messages';

/** Text lines a view has room for, per size class. */
export const LINES_PER_CLASS: readonly number[] = [1, 3, 6, 10];

/** The sender line, the text lines of the class, padding. */
export function viewHeight(size: SizeClass, lineHeightPx: number): number {
  const lh = Math.min(40, Math.max(12, lineHeightPx));
  return Math.round(14 + lh * 1.1 + lh * (LINES_PER_CLASS[size] ?? 1) + 6);
}
