/**
 * Background entry: a service worker in Chrome, a non-persistent background page in Firefox.
 * All listeners are registered synchronously at top level, because the worker is restarted
 * on demand and only top-level listeners are guaranteed to receive the waking event.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { fail } from '../messaging/result';
import { record, recent } from './diagnostics';
import { injectIntoOpenTabs, originsFromPatterns, reconcileContentScripts } from './instances';
import { createKeyServices } from './key-services';
import { browserRuntime, pageToken } from './keys/browser-deps';
import { keysHandlers } from './keys/handlers';
import { createOverlayHandlers } from './overlay/handlers';
import { dropLegacyRecords } from './overlay/message-store';
import { createRouter, type Handlers } from './router';
import { sweepTab } from './session-table';
import { settingsHandlers } from './settings/handlers';
import { sodiumStatus } from './sodium-status';
import { clearTabState, getTabState, setTabState } from './tab-state';

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

const keyServices = createKeyServices();
const startup: { evaluatedMs: number; readyMs: number | null } = { evaluatedMs: 0, readyMs: null };

const handlers: Handlers = {
  ping: async () => ({ version: browser.runtime.getManifest().version, sodium: await sodiumStatus(), startup: { ...startup } }),
  'page/detected': async (page, sender) => {
    if (sender.tabId === null) return fail('forbidden_sender', 'no tab');
    await setTabState(sender.tabId, sender.origin, page);
    return { accepted: true as const };
  },
  'popup/tab-state': async ({ tabId }) => ({ state: await getTabState(tabId) }),
  'diagnostics/get': () => Promise.resolve({ entries: recent() }),
  ...settingsHandlers(),
  ...keysHandlers,
  ...createOverlayHandlers({ services: keyServices, token: (account) => pageToken(account, 'publish') }),
};

const route = createRouter(handlers, browser.runtime.id, extensionOrigin);

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));

// A closed tab's frame sessions, drafts and view records go with it (storage.session has a quota).
browser.tabs.onRemoved.addListener((tabId) => void clearTabState(tabId).then(() => sweepTab(tabId, browser.storage.session)));

browser.permissions.onAdded.addListener((perms) => {
  void reconcileContentScripts().then(() => injectIntoOpenTabs(originsFromPatterns(perms.origins ?? [])));
});
browser.permissions.onRemoved.addListener(() => void reconcileContentScripts());

// Every start (install, update, browser start, worker wake-up) re-checks registrations. A page
// that loaded while a registration was missing (first start, or a browser that dropped it) got
// no content script: run it there now (the script itself runs at most once per page).
// The first overlay cached badges with decrypted messages (hush-view:, hush-seen:): dropped once.
dropLegacyRecords(browser.storage.local).catch((e: unknown) => record('error', `legacy records: ${e instanceof Error ? e.message : String(e)}`));
reconcileContentScripts().then(injectIntoOpenTabs).catch((e: unknown) => record('error', `startup: ${e instanceof Error ? e.message : String(e)}`));

// Every start is most likely for a message to decrypt: load libsodium and check storage now, not
// at the first request. "Ready to decrypt" is when that is done (timed for bench/startup.ts).
browserRuntime()
  .init()
  .then(() => (startup.readyMs = performance.now()))
  .catch((e: unknown) => record('error', `startup: ${e instanceof Error ? e.message : String(e)}`));
startup.evaluatedMs = performance.now();

// Tests poll for this to know the background script has run (the worker target can attach earlier).
(globalThis as { __hushReady?: boolean }).__hushReady = true;
