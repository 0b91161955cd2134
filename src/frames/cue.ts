/**
 * Security cues every secure frame draws (issue #15, invariant 4). The user's phrase and pattern
 * (which the page cannot read) are drawn ACROSS the whole frame, over the sender line and the
 * text: a page that crops the frame, or covers its text with its own, cannot keep the cue while
 * hiding or replacing the content, and cannot draw it itself.
 *
 * Where the browser can tell (IntersectionObserver v2 `trackVisibility`, Chromium), a frame that
 * is covered, transformed or made transparent while on screen hides its content and says why.
 */
import { t } from '../messaging/i18n';

export interface Phrase {
  readonly text: string;
  readonly pattern: string;
}

/** The phrase watermark: a layer over the whole frame, never intercepting clicks. */
export function drawCue(root: HTMLElement, phrase: Phrase | null): void {
  document.documentElement.dataset.pattern = phrase?.pattern ?? 'none';
  let layer = document.getElementById('hush-watermark');
  if (layer === null) {
    layer = document.createElement('div');
    layer.id = 'hush-watermark';
    layer.setAttribute('aria-hidden', 'true');
    document.body.append(layer);
  }
  const words = phrase === null ? t('viewPhrasePlaceholderShort') : phrase.text;
  // Enough copies to tile any frame size (the layer clips the rest).
  const line = `${words}   ·   `.repeat(12);
  layer.replaceChildren(
    ...Array.from({ length: 40 }, () => {
      const row = document.createElement('div');
      row.textContent = line;
      return row;
    }),
  );
  root.dataset.cue = phrase === null ? 'placeholder' : 'phrase';
}

/**
 * A chip with the phrase, for the header line (where the eye starts). Without a phrase there is
 * no cue a page could not copy (the extension's build is public), so the chip must not look like
 * one: it says "no security phrase", dashed, instead of a key symbol in a badge.
 */
export function phraseChip(phrase: Phrase | null): HTMLElement {
  const mark = document.createElement('span');
  mark.className = phrase === null ? 'hush-phrase hush-phrase--none' : 'hush-phrase';
  mark.textContent = phrase?.text ?? t('viewPhraseNone');
  mark.dataset.pattern = phrase?.pattern ?? 'none';
  mark.title = phrase === null ? t('viewPhrasePlaceholder') : t('viewPhraseHint');
  return mark;
}

/** Whether the browser reports occlusion (IntersectionObserver v2). */
export const canTrackVisibility = (): boolean =>
  typeof IntersectionObserverEntry !== 'undefined' && 'isVisible' in IntersectionObserverEntry.prototype;

/**
 * Calls `onChange(visible)` when the frame's visibility changes. `visible` is false only when the
 * browser reports the frame wholly on screen but covered or distorted (not merely scrolled away).
 * Without IntersectionObserver v2 it is always true (Firefox): the watermark is the defence there.
 */
export function watchVisibility(target: Element, onChange: (visible: boolean) => void, strict = false): () => boolean {
  let visible = true;
  if (!canTrackVisibility()) return () => true;
  const io = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        // A view: covered = wholly on screen yet not visible (one partly scrolled under a sticky header
        // is no alarm; a page clipping it meets the watermark instead). The editor (`strict`): any
        // occlusion, fading or transform while on screen counts, as its controls send and choose.
        const isVisible = (e as IntersectionObserverEntry & { isVisible: boolean }).isVisible;
        const v = strict ? !e.isIntersecting || isVisible : e.intersectionRatio < 0.999 || isVisible;
        if (v !== visible) {
          visible = v;
          onChange(v);
        }
      }
    },
    { threshold: [0, 1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  io.observe(target);
  return () => visible;
}
