import { t } from '../messaging/i18n';
import browser from 'webextension-polyfill';
import type { Reply } from '../messaging/result';

/** The message a content script posts its own frame after each load (see content/dom.ts secureFrame). */
export const OFFER_MESSAGE = 'hush/offer';
const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/;
/** storage.session key of the live offers (background/frame-sessions.ts). */
const OFFERS_KEY = 'hush:offers';
/** After this long without a genuine offer, say so (but keep listening: a slow worker may still answer). */
const SESSION_WAIT_MS = 10_000;
/** Unknown offers make the frame re-read the list at most this often: a flood costs nothing more. */
const REREAD_MS = 250;

/**
 * Where the live offers are listed: storage.session, or storage.local where an extension frame in
 * a web page cannot see storage.session (Firefox ESR). Neither is readable by the page.
 */
const offerArea = (): { get(k: string): Promise<Record<string, unknown>> } =>
  (browser.storage as { session?: typeof browser.storage.local }).session ?? browser.storage.local;

async function liveOffers(): Promise<Set<string>> {
  try {
    const got: unknown = (await offerArea().get(OFFERS_KEY))[OFFERS_KEY];
    return new Set(typeof got === 'object' && got !== null ? Object.keys(got) : []);
  } catch {
    return new Set();
  }
}

/**
 * Shared start of every secure frame: it shows nothing until it holds a session. The content
 * script that inserted the frame posts it a one-time offer after each load; the page can post
 * too, as often as it likes, but cannot know a live offer (they are listed in storage.session,
 * or storage.local in Firefox; which only extension pages can read). Each message is checked against that list locally:
 * forged ones are dropped without a word to the background, so flooding neither delays nor stops
 * the genuine offer. The first live offer is claimed with `claim` (the frame's join request,
 * which also answers what to show), binding the session to this frame.
 */
export function joinSession<T>(root: HTMLElement, titleKey: string, claim: (offer: string) => Promise<Reply<T>>): Promise<T> {
  return new Promise((resolve) => {
    let known = liveOffers();
    let readStarted = Date.now();
    let rereading: ReturnType<typeof setTimeout> | null = null;
    let claiming = false;
    let joined = false;
    /** Offers not in the list read so far, with when they arrived: checked again after a later read. */
    const waiting = new Map<string, number>();
    /** Offers checked against a read that started after they arrived: never looked at again. */
    const settled = new Set<string>();
    const timer = setTimeout(() => {
      root.className = 'hush-refused';
      root.textContent = t('frameNoSession');
      root.dataset.state = 'refused';
    }, SESSION_WAIT_MS);

    const claimIt = async (offer: string): Promise<void> => {
      if (claiming || joined) return;
      claiming = true;
      const reply = await claim(offer);
      claiming = false;
      if (!reply.ok || joined) return;
      joined = true;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      root.className = '';
      root.textContent = t(titleKey);
      root.dataset.state = 'joined';
      resolve(reply.value);
    };
    /** Checks the waiting offers against the list; a re-read at most every REREAD_MS (a flood costs nothing more). */
    const check = async (): Promise<void> => {
      const started = readStarted;
      const live = await known;
      for (const [offer, at] of waiting) {
        if (live.has(offer)) {
          waiting.delete(offer);
          void claimIt(offer);
        } else if (at <= started) {
          // This read began after the offer arrived: it is not live (a guess, or used up).
          waiting.delete(offer);
          if (settled.size < 10_000) settled.add(offer);
        }
      }
      if (waiting.size > 0 && rereading === null) {
        rereading = setTimeout(() => {
          rereading = null;
          readStarted = Date.now();
          known = liveOffers();
          void check();
        }, Math.max(0, REREAD_MS - (Date.now() - started)));
      }
    };
    const onMessage = (event: MessageEvent): void => {
      if (joined || event.source !== window.parent) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null) return;
      const { type, offer } = data as { type?: unknown; offer?: unknown };
      if (type !== OFFER_MESSAGE || typeof offer !== 'string' || !TOKEN_RE.test(offer) || settled.has(offer)) return;
      // The newest offers win a flood: only the last 64 wait for the next read.
      waiting.delete(offer);
      waiting.set(offer, Date.now());
      while (waiting.size > 64) waiting.delete(waiting.keys().next().value as string);
      void check();
    };
    window.addEventListener('message', onMessage);
  });
}

export function frameRoot(): HTMLElement {
  const root = document.getElementById('hush-frame');
  if (!root) throw new Error('frame page is missing #hush-frame');
  return root;
}
