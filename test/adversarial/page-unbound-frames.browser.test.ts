/**
 * Issue #17 (speed) against issue #15 (the page decides nothing): a view frame is now inserted
 * BEFORE its session exists, so that its document loads while the background opens the session
 * (content/dom.ts `pendingFrame`). Until the content script binds it, the frame is an empty
 * extension document in the page, for longer than before. Here the page does what it can to such
 * a frame the moment it appears: moves it (a reload, before its offer), swaps two of them between
 * statuses, and floods each load with forged offers. Every message must still be drawn, each by
 * exactly one frame, with its authenticated sender, and no forged offer may bind anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserKinds } from '../browser/launch';
import { shownMessages, waitForPlaintext } from '../browser/overlay-support';
import { encryptTo, postThread, publishedKey } from './node-party';
import { startWorld, stopWorld, type World } from './support';

/** The page's script: acts on every view frame as soon as Hush inserts it. */
const MOVER = `(() => {
  if (window.__mover) return;
  window.__mover = { moved: 0, swapped: 0, forged: 0 };
  const seen = new WeakSet();
  const fresh = [];
  const forge = (frame) => frame.addEventListener('load', () => {
    for (let i = 0; i < 40; i++) {
      frame.contentWindow && frame.contentWindow.postMessage({ type: 'hush/offer', offer: ('forged' + i + 'x'.repeat(24)).slice(0, 24) }, '*');
      window.__mover.forged++;
    }
  });
  new MutationObserver(() => {
    for (const frame of document.querySelectorAll('.hush-view > iframe')) {
      if (seen.has(frame)) continue;
      seen.add(frame);
      forge(frame);
      // A DOM move reloads the frame: before its session is open, its first load is thrown away.
      const host = frame.parentElement;
      frame.remove();
      host.append(frame);
      window.__mover.moved++;
      fresh.push(frame);
      if (fresh.length === 2) {
        // Swap two new frames between their statuses (each reloads again).
        const [a, b] = fresh.splice(0);
        const ha = a.parentElement, hb = b.parentElement;
        if (ha && hb && ha !== hb) { ha.append(b); hb.append(a); window.__mover.swapped++; }
      }
    }
  }).observe(document, { childList: true, subtree: true });
})();`;

describe.each(browserKinds())('a page moving view frames before their sessions open (%s)', (kind) => {
  let w: World;

  beforeAll(async () => {
    w = await startWorld(kind, MOVER);
  });
  afterAll(async () => {
    await stopWorld(w);
  });

  it('every message is drawn by exactly one frame, with its sender; forged offers bind nothing', async () => {
    const bobKey = await publishedKey(w.b, 'bob@b.test');
    const tag = Math.random().toString(36).slice(2);
    const texts = [`unbound one ${tag}`, `unbound two ${tag}`];
    await postThread(
      w.alice,
      texts.flatMap((t) => encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], t)),
    );
    for (const text of texts) {
      const seen = await waitForPlaintext(w.bob.page, text);
      expect(seen.badge).toBe('verified');
    }
    const mover = await w.bob.page.evaluate(
      () => (window as unknown as { __mover: { moved: number; swapped: number; forged: number } }).__mover,
    );
    // The attack ran: frames were moved (and swapped) and forged offers posted on their loads.
    expect(mover.moved).toBeGreaterThanOrEqual(2);
    expect(mover.swapped).toBeGreaterThanOrEqual(1);
    expect(mover.forged).toBeGreaterThan(0);
    const shown = await shownMessages(w.bob.page);
    for (const text of texts) {
      const frames = shown.filter((m) => m.text.includes(text));
      expect(frames.length).toBe(1);
      // The frame names who signed it: the page can place a frame, not change what it says.
      expect(frames[0]?.badge).toBe('verified');
    }
  });
});
