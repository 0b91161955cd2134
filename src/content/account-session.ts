/**
 * Hands the page's access token to the background, and only to it, only when it asks (to publish
 * the user's key or resolve a recipient). The token is read fresh from script#initial-state on
 * each request and never kept here: nothing in the content script stores it.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { ACCOUNT_TOKEN_REQUEST, type AccountTokenReply } from '../messaging/keys-messages';
import { selectors } from './mastodon/selectors';
import type { Teardown } from './teardown';

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** { accountId, token } from the initial state JSON text, or null when absent or malformed. */
export function readAccountToken(initialState: string | null): AccountTokenReply | null {
  if (initialState === null || initialState.length > 5_000_000) return null;
  let state: unknown;
  try {
    state = JSON.parse(initialState);
  } catch {
    return null;
  }
  if (!isRecord(state) || !isRecord(state.meta)) return null;
  const { me, access_token: token } = state.meta;
  if (
    typeof me !== 'string' ||
    typeof token !== 'string' ||
    me.length === 0 ||
    me.length > 64 ||
    token.length < 8 ||
    token.length > 512
  )
    return null;
  return { accountId: me, token };
}

// The background's document: Chrome's service worker script, Firefox's generated background page.
const BACKGROUND_PATHS = ['/background.js', '/_generated_background_page.html'];

/** Only this extension's background may ask: not a tab, a frame, the popup or another extension. */
export function isFromBackground(sender: Runtime.MessageSender, extensionId: string): boolean {
  if (sender.id !== extensionId || sender.tab !== undefined || typeof sender.url !== 'string') return false;
  try {
    return BACKGROUND_PATHS.includes(new URL(sender.url).pathname);
  } catch {
    return false;
  }
}

export function installAccountSession(teardown: Teardown): void {
  teardown.onMessage((message: unknown, sender: Runtime.MessageSender) => {
    if (!isRecord(message) || message.type !== ACCOUNT_TOKEN_REQUEST) return undefined;
    if (!isFromBackground(sender, browser.runtime.id)) return undefined;
    const text = document.querySelector(selectors.initialState)?.textContent ?? null;
    return Promise.resolve(readAccountToken(text));
  });
}
