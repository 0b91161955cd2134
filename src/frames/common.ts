import browser from 'webextension-polyfill';
import { send } from '../messaging/client';
import type { Reply } from '../messaging/result';

const SESSION_RE = /^[A-Za-z0-9_-]{16,64}$/;
/** How long a frame waits for its session before it says it was not opened by Hush. */
const SESSION_WAIT_MS = 5_000;
/** Guesses a page may post before the frame stops listening (a session has 144 random bits). */
const MAX_OFFERS = 8;

/**
 * Shared start of every secure frame: the frame shows nothing until the background confirms
 * that the session it was handed belongs to a content script of this very tab and binds it to
 * this frame. The session arrives by postMessage from the parent window (our content script;
 * see content/dom.ts secureFrame), never in the URL, so a page cannot copy a genuine frame.
 * The page can post to us too, but it cannot know a session; shapes are checked, and after a few
 * offers or the wait the frame gives up and shows a refusal.
 *
 * `join` is the request that binds the session: `frame/hello` by default; the view frame uses
 * `overlay/view-join`, which also answers what to show (one round trip less per message).
 */
export function joinSession(root: HTMLElement, titleKey: string): Promise<Joined<{ readonly joined: true }> | null>;
export function joinSession<T>(root: HTMLElement, titleKey: string, join: (session: string) => Promise<Reply<T>>): Promise<Joined<T> | null>;
export function joinSession<T>(root: HTMLElement, titleKey: string, join?: (session: string) => Promise<Reply<T>>): Promise<Joined<unknown> | null> {
  const request = join ?? ((session: string) => send('frame/hello', { session }));
  return new Promise((resolve) => {
    let offers = 0;
    let done = false;
    const finish = (joined: Joined<unknown> | null) => {
      if (done) return;
      done = true;
      window.removeEventListener('message', onMessage);
      clearTimeout(timer);
      if (joined === null) {
        root.className = 'hush-refused';
        root.textContent = browser.i18n.getMessage('frameNoSession');
        root.dataset.state = 'refused';
      } else {
        root.textContent = browser.i18n.getMessage(titleKey);
        root.dataset.state = 'joined';
      }
      resolve(joined);
    };
    const onMessage = (event: MessageEvent) => {
      if (done || event.source !== window.parent) return;
      const data: unknown = event.data;
      if (typeof data !== 'object' || data === null) return;
      const { type, session } = data as { type?: unknown; session?: unknown };
      if (type !== 'hush/session' || typeof session !== 'string' || !SESSION_RE.test(session)) return;
      offers++;
      // No deadline while the background answers (a sleeping worker can take a moment to start).
      clearTimeout(timer);
      void request(session).then((reply) => {
        if (reply.ok) finish({ session, value: reply.value });
        else if (offers >= MAX_OFFERS) finish(null);
        else timer = setTimeout(() => finish(null), SESSION_WAIT_MS);
      });
    };
    let timer = setTimeout(() => finish(null), SESSION_WAIT_MS);
    window.addEventListener('message', onMessage);
  });
}

export interface Joined<T> {
  readonly session: string;
  /** The joining request's answer. */
  readonly value: T;
}

export function frameRoot(): HTMLElement {
  const root = document.getElementById('hush-frame');
  if (!root) throw new Error('frame page is missing #hush-frame');
  return root;
}
