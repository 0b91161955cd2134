/**
 * A secure view's height: a public function of the size class (2 bits, computed by the
 * background from the ciphertext's length), the page's style (line height, font size), the
 * width the page gave the view and whether the status is a thread's focused one. Nothing else a page could measure depends on the message (issue
 * #15, invariant 5); text longer than the class's room scrolls inside the frame. The frames draw
 * with the same numbers (messaging/frame-look.ts).
 */
import type { FrameStyle, SizeClass } from '../messaging/overlay-messages';
import { viewHeightFor } from '../messaging/frame-look';

export function viewHeight(size: SizeClass, style: FrameStyle, widthPx: number, focused = false): number {
  return viewHeightFor(size, style, widthPx, focused);
}
