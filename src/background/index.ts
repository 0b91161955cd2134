/**
 * Background entry: a service worker in Chrome, a non-persistent background page in Firefox.
 * All listeners are registered synchronously at top level, because the worker is restarted
 * on demand and only top-level listeners are guaranteed to receive the waking event.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { fail } from '../messaging/result';
import { record, recent } from './diagnostics';
import { injectIntoOpenTabs, originsFromPatterns, reconcileContentScripts } from './instances';
import { MastodonApi } from './network/mastodon';
import { browserRuntime, pageToken, setResolveTokenSource, tabAccount } from './keys/browser-deps';
import { createKeyServices } from './keys/services-impl';
import { LiveHub } from './inbox/live';
import { createInboxHandlers } from './inbox/service';
import { InboxStore } from './inbox/store';
import { firstToken } from './inbox/tokens';
import { installInboxEntryPoints } from './inbox/entry';
import { Reader } from './overlay/reading';
import { StatusApi } from './publishing/status-api';
import { createSettingsStore } from './settings/store';
import { keysHandlers } from './keys/handlers';
import { createOverlayHandlers, serverStatusVia } from './overlay/handlers';
import { dropLegacyRecords } from './overlay/message-store';
import { createRouter, type Handlers } from './router';
import { sweepTab } from './session-table';
import { settingsHandlers } from './settings/handlers';
import { sodiumStatus } from './sodium-status';
import { clearTabState, getTabState, setTabState } from './tab-state';

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

const keyServices = createKeyServices(browserRuntime);
const startup: { evaluatedMs: number; readyMs: number | null } = { evaluatedMs: 0, readyMs: null };
/** One decryption cache for the overlay and the inbox. */
const statusApi = new StatusApi((url, init) => fetch(url, init));
/**
 * The reply-link check (#21 invariant 3) asks the user's instance with the page's token, or
 * without an open tab with the inbox's own OAuth token (review R1).
 */
const reader = new Reader({
  services: keyServices,
  area: browser.storage.local,
  now: () => Promise.resolve(Math.floor(Date.now() / 1000)),
  serverStatus: serverStatusVia(
    statusApi,
    firstToken(
      (account) => pageToken(account, 'publish'),
      (account) => ownToken(account),
    ),
  ),
});
/** The inbox reads whole threads: a longer deadline than the key store's lookups. */
const inboxApi = new MastodonApi((url, init) => fetch(url, init), { timeoutMs: 15_000 });
const inboxStore = new InboxStore(browser.storage.local, keyServices);
const ownToken = async (account: { origin: string; accountId: string }): Promise<string | null> => {
  const t = await inboxStore.token(account);
  return typeof t === 'object' ? t.token : null;
};
setResolveTokenSource(ownToken);
const keyAccounts = async () => {
  const rt = browserRuntime();
  await rt.init();
  return (await rt.store.accounts()).map((a) => ({
    origin: a.origin,
    accountId: a.accountId,
    acct: a.acct,
    active: a.status === 'active',
  }));
};
const streaming = new Map<string, string | null>();
const live = new LiveHub({
  extensionOrigin,
  extensionId: browser.runtime.id,
  accounts: async () =>
    Promise.all(
      (await keyAccounts())
        .filter((a) => a.active)
        .map(async (a) => {
          const account = { origin: a.origin, accountId: a.accountId };
          return { account, token: (await ownToken(account)) ?? (await pageToken(account, 'resolve')) };
        }),
    ),
  streamingBase: async (origin) => {
    if (!streaming.has(origin)) {
      const r = await inboxApi.instance(origin);
      streaming.set(origin, r.ok ? r.value.streaming : null);
    }
    return streaming.get(origin) ?? null;
  },
});

const handlers: Handlers = {
  ping: async () => ({
    version: browser.runtime.getManifest().version,
    sodium: await sodiumStatus(),
    startup: { ...startup },
  }),
  'page/detected': async (page, sender) => {
    if (sender.tabId === null) return fail('forbidden_sender', 'no tab');
    await setTabState(sender.tabId, sender.origin, page);
    return { accepted: true as const };
  },
  'popup/tab-state': async ({ tabId }) => ({ state: await getTabState(tabId) }),
  'diagnostics/get': () => Promise.resolve({ entries: recent() }),
  ...settingsHandlers(),
  ...keysHandlers,
  ...createOverlayHandlers({
    services: keyServices,
    reader,
    statusApi,
    token: (account) => pageToken(account, 'publish'),
  }),
  ...createInboxHandlers({
    services: keyServices,
    reader,
    statusApi,
    api: inboxApi,
    store: inboxStore,
    session: browser.storage.session,
    local: browser.storage.local,
    keyAccounts,
    lockState: async () => {
      const rt = browserRuntime();
      await rt.init();
      return { locked: await rt.isLocked(), hasPassphrase: await rt.hasPassphrase() };
    },
    phrase: async () => {
      const p = await createSettingsStore(browser.storage.local).getPhrase();
      return p === null ? null : { text: p.text, pattern: p.pattern };
    },
    pageToken: (account) => pageToken(account, 'publish'),
    hasTab: async (account) => (await tabAccount(account)) !== null,
    identity: {
      redirectUrl: () => browser.identity.getRedirectURL(),
      launch: (url) => browser.identity.launchWebAuthFlow({ url, interactive: true }),
    },
    allowHttpLoopback: typeof __HUSH_TEST_BUILD__ !== 'undefined' && __HUSH_TEST_BUILD__,
    now: () => Promise.resolve(Math.floor(Date.now() / 1000)),
  }),
};

const route = createRouter(handlers, browser.runtime.id, extensionOrigin);

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));
browser.runtime.onConnect.addListener((port) => live.attach(port));
installInboxEntryPoints();

// A closed tab's frame sessions, drafts and view records go with it (storage.session has a quota).
browser.tabs.onRemoved.addListener(
  (tabId) => void clearTabState(tabId).then(() => sweepTab(tabId, browser.storage.session)),
);

browser.permissions.onAdded.addListener((perms) => {
  void reconcileContentScripts().then(() => injectIntoOpenTabs(originsFromPatterns(perms.origins ?? [])));
});
browser.permissions.onRemoved.addListener(() => void reconcileContentScripts());

// Every start (install, update, browser start, worker wake-up) re-checks registrations. A page
// that loaded while a registration was missing (first start, or a browser that dropped it) got
// no content script: run it there now (the script itself runs at most once per page).
// The first overlay cached badges with decrypted messages (hush-view:, hush-seen:): dropped once.
dropLegacyRecords(browser.storage.local).catch((e: unknown) =>
  record('error', `legacy records: ${e instanceof Error ? e.message : String(e)}`),
);
reconcileContentScripts()
  .then(injectIntoOpenTabs)
  .catch((e: unknown) => record('error', `startup: ${e instanceof Error ? e.message : String(e)}`));

// Every start is most likely for a message to decrypt: load libsodium and check storage now, not
// at the first request. "Ready to decrypt" is when that is done (timed for bench/startup.ts).
browserRuntime()
  .init()
  .then(() => (startup.readyMs = performance.now()))
  .catch((e: unknown) => record('error', `startup: ${e instanceof Error ? e.message : String(e)}`));
startup.evaluatedMs = performance.now();

// Tests poll for this to know the background script has run (the worker target can attach earlier).
(globalThis as { __hushReady?: boolean }).__hushReady = true;
