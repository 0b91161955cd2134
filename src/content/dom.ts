/** DOM helpers shared by features: React-safe value writes, the look of an element, frames. */
import browser from 'webextension-polyfill';
import type { FrameStyle } from '../messaging/overlay-messages';

/**
 * Writes a controlled textarea the way React notices (§2.6): the prototype setter bypasses the
 * instance property React's value tracker installs, then an input event makes React read it.
 */
export function setControlledValue(el: HTMLTextAreaElement, value: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the native setter is applied to `el` explicitly
  const setter = descriptor?.set;
  if (setter) Reflect.apply(setter, el, [value]);
  else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

const RGB = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/;

function opaqueBackground(el: Element | null): string {
  for (let e = el; e !== null; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    const m = RGB.exec(bg);
    if (m && (m[4] === undefined || Number(m[4]) > 0.5)) return bg;
  }
  return 'rgb(255, 255, 255)';
}

const safeColour = (c: string, fallback: string): string => (RGB.test(c) ? c : fallback);

/** The look of `el` (colours, font), so a frame can match the status or textarea it replaces. */
export function styleOf(el: Element, linkEl: Element | null = null): FrameStyle {
  const cs = getComputedStyle(el);
  const background = opaqueBackground(el);
  const m = RGB.exec(background);
  const lum = m ? (0.2126 * Number(m[1]) + 0.7152 * Number(m[2]) + 0.0722 * Number(m[3])) / 255 : 1;
  const fontSizePx = Math.min(40, Math.max(8, parseFloat(cs.fontSize) || 15));
  const lh = parseFloat(cs.lineHeight);
  const link = linkEl ? getComputedStyle(linkEl) : null;
  return {
    color: safeColour(cs.color, lum < 0.5 ? 'rgb(255, 255, 255)' : 'rgb(0, 0, 0)'),
    background: safeColour(background, 'rgb(255, 255, 255)'),
    link: safeColour(link ? link.color : cs.color, 'rgb(99, 100, 255)'),
    fontFamily: cs.fontFamily.replace(/[^\w\s,"'-]/g, '').slice(0, 300),
    fontSizePx,
    lineHeightPx: Math.min(80, Math.max(8, Number.isFinite(lh) ? lh : fontSizePx * 1.4)),
    dark: lum < 0.5,
    // Mastodon underlines a mention's inner span, not the link, in its high-contrast theme.
    linkUnderline:
      linkEl !== null &&
      [linkEl, linkEl.querySelector('span')].some(
        (e) => e !== null && getComputedStyle(e).textDecorationLine.includes('underline'),
      ),
    lineHeightNormal: cs.lineHeight === 'normal',
    paddingPx: Math.min(40, Math.max(0, parseFloat(cs.paddingTop) || 0)),
  };
}

/** The message a content script posts its own frame after each load (see frames/common.ts). */
export const OFFER_MESSAGE = 'hush/offer';

/**
 * An extension-origin frame for a session. Nothing the page can read names the session: after
 * each (browser-made, trusted) load of the frame document, this content script hands the frame a
 * ONE-TIME offer with postMessage targeted at the extension origin, which the page can neither
 * read nor redirect. The first load uses the offer the background gave with the session; a later
 * load (the frame was moved in the DOM, or reloaded) gets a fresh one (`frame/reoffer`).
 */
export function secureFrame(
  path: string,
  session: string,
  offer: string,
  title: string,
  reoffer: (session: string) => Promise<string | null>,
): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  const url = browser.runtime.getURL(path);
  frame.src = url;
  frame.title = title;
  frame.className = 'hush-frame';
  frame.setAttribute('allowtransparency', 'true');
  // Frames never need the page's privileges; no allow= features are granted.
  frame.referrerPolicy = 'no-referrer';
  // With use_dynamic_url (Chrome) the frame is loaded from a per-session URL but its document has
  // the extension's own origin: the offer is addressed to that origin, so only our frame gets it.
  const origin = url.startsWith('chrome-extension://')
    ? `chrome-extension://${browser.runtime.id}`
    : new URL(url).origin;
  let first: string | null = offer;
  frame.addEventListener('load', (e) => {
    // A load event the page dispatched (isTrusted false) hands out nothing.
    if (!e.isTrusted) return;
    const hand = (o: string | null): void => {
      if (o !== null) frame.contentWindow?.postMessage({ type: OFFER_MESSAGE, offer: o }, origin);
    };
    if (first !== null) {
      hand(first);
      first = null;
    } else void reoffer(session).then(hand);
  });
  return frame;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` (each animation-ish tick) until it returns non-null or the time is up. */
export async function waitFor<T>(check: () => T | null, timeoutMs: number, everyMs = 100): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== null) return v;
    if (Date.now() > deadline) return null;
    await sleep(everyMs);
  }
}
