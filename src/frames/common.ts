import { t } from '../messaging/i18n';
import browser from 'webextension-polyfill';
import { OFFER_MESSAGE } from '../messaging/overlay-messages';
import type { Reply } from '../messaging/result';
import { nextStageIn, OPENING_AFTER_MS, waitStage } from './join-wait';

const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/;
/** storage.session key of the live offers (background/sessions.ts). */
const OFFERS_KEY = 'hush:offers';
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

/** A claim the background may never have seen (it was restarting): tried again with the same offer after these pauses. */
const CLAIM_RETRY_MS = [300, 1_000];
/** A spent or refused offer: the frame reloads itself (its parent then hands it a fresh one) at most this often before asking the user. */
const AUTO_REJOINS = 1;

/** How often this frame document has reloaded itself to rejoin (kept in its own history entry: survives reload, unreadable to the page). */
const rejoins = (): number => {
  const n: unknown = (history.state as { hushRejoins?: unknown } | null)?.hushRejoins;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : 0;
};

/**
 * Reloads the frame so that its parent, on the trusted load event, asks the background for a
 * fresh one-time offer (content/dom.ts secureFrame -> frame/reoffer): the only way to a new
 * offer, and the same path as a frame Mastodon moved in the DOM. replaceState adds no history entry.
 */
function rejoin(count: number): void {
  history.replaceState({ hushRejoins: count }, '');
  location.reload();
}

/**
 * Shared start of every secure frame: it shows nothing until it holds a session. The content
 * script that inserted the frame posts it a one-time offer after each load; the page can post
 * too, as often as it likes, but cannot know a live offer (they are listed in storage.session,
 * or storage.local in Firefox; which only extension pages can read). Each message is checked against that list locally:
 * forged ones are dropped without a word to the background, so flooding neither delays nor stops
 * the genuine offer. The first live offer is claimed with `claim` (the frame's join request,
 * which also answers what to show), binding the session to this frame.
 *
 * A claim that fails never leaves a silent blank frame: a transport failure (background
 * restarting) is retried with the same offer (single use is the background's: a used offer is
 * refused); a refused offer (used up, expired, or its reply lost) makes the frame reload once for
 * a fresh offer; after that the frame says so and offers "Try again" (a reload). Without any
 * genuine offer it waits calmly (join-wait.ts: blank, then "still opening" after 10 s, "could not
 * connect" only after 60 s and never while a claim is out), while still listening.
 */
export function joinSession<T>(
  root: HTMLElement,
  titleKey: string,
  claim: (offer: string) => Promise<Reply<T>>,
): Promise<T> {
  return new Promise((resolve) => {
    let known = liveOffers();
    let readStarted = Date.now();
    let rereading: ReturnType<typeof setTimeout> | null = null;
    let claiming = false;
    let joined = false;
    /** Live offers not claimed yet, oldest first (one arriving while a claim is out waits its turn). */
    const live: string[] = [];
    /** Offers not in the list read so far, with when they arrived: checked again after a later read. */
    const waiting = new Map<string, number>();
    /** Offers checked against a read that started after they arrived, or claimed: never looked at again. */
    const settled = new Set<string>();
    const settle = (offer: string): void => {
      if (settled.size < 10_000) settled.add(offer);
    };

    /** Says, calmly, that Hush is still opening the frame (a slow background is not a failure). */
    let opening = false;
    const stillOpening = (): void => {
      if (joined || saidSo || opening) return;
      opening = true;
      root.className = 'hush-opening';
      root.dataset.state = 'opening';
      const text = document.createElement('p');
      text.className = 'hush-opening__text';
      text.textContent = t('frameOpening');
      root.replaceChildren(text);
    };
    /** Says the frame could not be connected, with a way out (never a blank frame). */
    let saidSo = false;
    const giveUp = (): void => {
      if (joined || saidSo) return;
      saidSo = true;
      root.className = 'hush-refused';
      root.dataset.state = 'refused';
      const text = document.createElement('p');
      text.className = 'hush-refused__text';
      text.textContent = t('frameNoSession');
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'hush-retry';
      retry.textContent = t('frameRetry');
      // A retry the user asked for: no further automatic reloads after it.
      retry.addEventListener('click', () => rejoin(AUTO_REJOINS));
      root.replaceChildren(text, retry);
    };
    const waitStarted = Date.now();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const waitTick = (): void => {
      timer = null;
      if (joined || saidSo) return;
      const elapsed = Date.now() - waitStarted;
      const stage = waitStage(elapsed, claiming);
      if (stage === 'failed') return giveUp();
      if (stage === 'opening') stillOpening();
      const next = nextStageIn(elapsed, claiming);
      if (next !== null) timer = setTimeout(waitTick, next);
    };
    timer = setTimeout(waitTick, OPENING_AFTER_MS);

    const claimOnce = async (offer: string): Promise<Reply<T>> => {
      let reply = await claim(offer);
      for (const pause of CLAIM_RETRY_MS) {
        if (reply.ok || reply.error.code !== 'unavailable' || joined) break;
        await new Promise((r) => setTimeout(r, pause));
        reply = await claim(offer);
      }
      return reply;
    };
    const claimNext = async (): Promise<void> => {
      if (claiming || joined) return;
      const offer = live.shift();
      if (offer === undefined) return;
      claiming = true;
      settle(offer);
      const reply = await claimOnce(offer);
      claiming = false;
      if (joined) return;
      if (!reply.ok) {
        if (live.length > 0) return claimNext();
        // This document's offer is spent: a reload brings a fresh one, once; then the user decides.
        const n = rejoins();
        if (n < AUTO_REJOINS) rejoin(n + 1);
        else giveUp();
        return;
      }
      joined = true;
      if (timer !== null) clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      if (rejoins() > 0) history.replaceState(null, '');
      root.className = '';
      root.textContent = t(titleKey);
      root.dataset.state = 'joined';
      resolve(reply.value);
    };
    /** Checks the waiting offers against the list; a re-read at most every REREAD_MS (a flood costs nothing more). */
    const check = async (): Promise<void> => {
      const started = readStarted;
      const listed = await known;
      for (const [offer, at] of waiting) {
        if (listed.has(offer)) {
          waiting.delete(offer);
          live.push(offer);
        } else if (at <= started) {
          // This read began after the offer arrived: it is not live (a guess, or used up).
          waiting.delete(offer);
          settle(offer);
        }
      }
      void claimNext();
      if (waiting.size > 0 && rereading === null) {
        rereading = setTimeout(
          () => {
            rereading = null;
            readStarted = Date.now();
            known = liveOffers();
            void check();
          },
          Math.max(0, REREAD_MS - (Date.now() - started)),
        );
      }
    };
    const onMessage = (event: MessageEvent): void => {
      if (joined || event.source !== window.parent) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null) return;
      const { type, offer } = data as { type?: unknown; offer?: unknown };
      if (
        type !== OFFER_MESSAGE ||
        typeof offer !== 'string' ||
        !TOKEN_RE.test(offer) ||
        settled.has(offer) ||
        live.includes(offer)
      )
        return;
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
