/** DOM helpers shared by features: React-safe value writes, the look of an element, frames. */
import browser from 'webextension-polyfill';
import { OFFER_MESSAGE, type FrameStyle } from '../messaging/overlay-messages';
import { hushClass } from './hush-nodes';
import { selectors } from './mastodon/selectors';

/**
 * Writes a controlled textarea the way React notices (mastodon-ui.md §2.6): the prototype setter bypasses the
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
      [linkEl, linkEl.querySelector(selectors.mentionInner)].some(
        (e) => e !== null && getComputedStyle(e).textDecorationLine.includes('underline'),
      ),
    lineHeightNormal: cs.lineHeight === 'normal',
    paddingPx: Math.min(40, Math.max(0, parseFloat(cs.paddingTop) || 0)),
  };
}

/** A frame inserted before its session exists; `bind` hands it its first offer once both are there. */
export interface PendingFrame {
  readonly frame: HTMLIFrameElement;
  /** Gives the frame its session: the first offer goes to the document already loaded (or the next one). */
  bind(session: string, offer: string): void;
}

/**
 * An extension-origin frame for a session. Nothing the page can read names the session: after
 * each (browser-made, trusted) load of the frame document, this content script hands the frame a
 * ONE-TIME offer with postMessage targeted at the extension origin, which the page can neither
 * read nor redirect. The first load uses the offer the background gave with the session; a later
 * load (the frame was moved in the DOM, or reloaded) gets a fresh one (`frame/reoffer`).
 *
 * The frame may be inserted before its session exists (`pendingFrame`), so that its document
 * loads while the background opens the session: it shows nothing until `bind` hands it an offer,
 * which goes to the document as soon as both the trusted load and the offer are there. The page
 * gains nothing from the wait: an unbound frame is an empty extension document, the same as one
 * the page framed itself, and a bound one can be moved or reloaded exactly as before.
 */
export function pendingFrame(
  path: string,
  title: string,
  reoffer: (session: string) => Promise<string | null>,
  onHanded?: () => void,
): PendingFrame {
  const frame = document.createElement('iframe');
  const url = browser.runtime.getURL(path);
  frame.src = url;
  frame.title = title;
  frame.className = hushClass.frame;
  frame.setAttribute('allowtransparency', 'true');
  // Frames never need the page's privileges; no allow= features are granted.
  frame.referrerPolicy = 'no-referrer';
  // With use_dynamic_url (Chrome) the frame is loaded from a per-session URL but its document has
  // the extension's own origin: the offer is addressed to that origin, so only our frame gets it.
  const origin = url.startsWith('chrome-extension://')
    ? `chrome-extension://${browser.runtime.id}`
    : new URL(url).origin;
  let session: string | null = null;
  /** The session's first offer, until it is handed to a loaded document. */
  let first: string | null = null;
  /** A trusted load happened and no offer has been handed since. */
  let loaded = false;
  const hand = (o: string | null): void => {
    if (o === null) return;
    frame.contentWindow?.postMessage({ type: OFFER_MESSAGE, offer: o }, origin);
    if (onHanded !== undefined) {
      const done = onHanded;
      onHanded = undefined;
      done();
    }
  };
  frame.addEventListener('load', (e) => {
    // A load event the page dispatched (isTrusted false) hands out nothing.
    if (!e.isTrusted) return;
    if (session === null) {
      loaded = true; // no session yet: bind() hands the first offer to this document
      return;
    }
    if (first !== null) {
      hand(first);
      first = null;
    } else void reoffer(session).then(hand);
  });
  return {
    frame,
    bind(s: string, offer: string): void {
      if (session !== null) return;
      session = s;
      // Not loaded yet (or reloading): the next trusted load hands it. A document that went away
      // between its load and now never claims it; the next load then gets a fresh offer.
      if (loaded) hand(offer);
      else first = offer;
      loaded = false;
    },
  };
}

/** A frame whose session exists already (the editor): `pendingFrame` bound at once. */
export function secureFrame(
  path: string,
  session: string,
  offer: string,
  title: string,
  reoffer: (session: string) => Promise<string | null>,
): HTMLIFrameElement {
  const pending = pendingFrame(path, title, reoffer);
  pending.bind(session, offer);
  return pending.frame;
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
