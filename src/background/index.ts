/**
 * Background entry and composition root: a service worker in Chrome, a non-persistent background
 * page in Firefox. Here, and only here, the browser's outside world (storage areas, fetch, the
 * clock, tabs for tokens) is given to the one key runtime and every service is built.
 * All listeners are registered synchronously at top level, because the worker is restarted
 * on demand and only top-level listeners are guaranteed to receive the waking event.
 */
import browser, { type Runtime } from 'webextension-polyfill';
import { fail } from '../messaging/result';
import { record, recent } from './diagnostics';
import { injectIntoOpenTabs, originsFromPatterns, reconcileContentScripts, stopInOpenTabs } from './instances';
import { MastodonApi } from './network/mastodon';
import { createKeyServices, KeyRuntime, type TokenPurpose } from './keys/services-impl';
import { LiveHub } from './inbox/live';
import { createInboxHandlers } from './inbox/service';
import { InboxStore } from './inbox/store';
import { firstToken } from './inbox/tokens';
import { installInboxEntryPoints } from './inbox/entry';
import { Reader } from './overlay/reading';
import { StatusApi } from './publishing/status-api';
import { createSettingsStore } from './settings/store';
import { AUTOLOCK_ALARM, createKeysHandlers, installKeysBackground } from './keys/handlers';
import { createOverlayHandlers, serverStatusVia } from './overlay/handlers';
import { dropLegacyRecords } from './overlay/message-store';
import { createRouter, type Handlers } from './router';
import { browserSessionStore } from './sessions';
import { settingsHandlers } from './settings/handlers';
import { sodiumStatus } from './sodium-status';
import { clearTabState, getTabState, setTabState } from './tab-state';
import type { KeyValueArea } from './storage/kv';
import type { AccountRef } from './services';
import type { TabState } from '../messaging/messages';
import { ACCOUNT_TOKEN_REQUEST } from '../messaging/keys-messages';
import { fullHandle } from '../messaging/handle';

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

// ---- the key runtime's outside world ----------------------------------------------------------

/** Test builds only: seconds added to the real clock (tests move time forward for rotation). */
const TEST_CLOCK_KEY = 'hush-test:clock-offset';
/** Test builds only: { domain: origin } for WebFinger, since the test federation's domains (a.test) have no host. */
const TEST_WEBFINGER_KEY = 'hush-test:webfinger-origins';

async function webfingerOrigin(domain: string): Promise<string> {
  // Written out, not behind a function: esbuild folds the defined constant and drops the branch
  // from release builds (test/release-bundle.test.ts).
  if (typeof __HUSH_TEST_BUILD__ !== 'undefined' && __HUSH_TEST_BUILD__) {
    const got = await browser.storage.local.get(TEST_WEBFINGER_KEY);
    const map = got[TEST_WEBFINGER_KEY];
    const mapped = typeof map === 'object' && map !== null ? (map as Record<string, unknown>)[domain] : undefined;
    if (typeof mapped === 'string' && /^https?:\/\/[^/\s]+$/.test(mapped)) return mapped;
  }
  return `https://${domain}`;
}

function area(a: browser.Storage.StorageArea): KeyValueArea {
  return {
    get: (keys) => a.get([...keys]),
    getAll: () => a.get(null),
    set: (items) => a.set(items),
    remove: (keys) => a.remove([...keys]),
  };
}

async function now(): Promise<number> {
  let offset = 0;
  if (typeof __HUSH_TEST_BUILD__ !== 'undefined' && __HUSH_TEST_BUILD__) {
    const got = await browser.storage.local.get(TEST_CLOCK_KEY);
    const v = got[TEST_CLOCK_KEY];
    if (typeof v === 'number' && Number.isFinite(v)) offset = v;
  }
  return Math.floor(Date.now() / 1000) + offset;
}

async function tabsOf(account: AccountRef): Promise<{ tabId: number; state: TabState }[]> {
  const tabs = await browser.tabs.query({});
  const out: { tabId: number; state: TabState }[] = [];
  for (const t of tabs) {
    if (t.id === undefined) continue;
    const state = await getTabState(t.id);
    if (state?.origin === account.origin && state.page.account?.id === account.accountId)
      out.push({ tabId: t.id, state });
  }
  return out;
}

/** What an open tab of this account showed (handle, actor URI), or null when no tab is open. */
async function tabAccount(account: AccountRef): Promise<{ acct: string; actorUri: string | null } | null> {
  const first = (await tabsOf(account))[0];
  const a = first?.state.page.account;
  const acct = first === undefined || a == null ? null : fullHandle(a.acct, first.state.page.domain);
  return acct === null ? null : { acct, actorUri: a?.uri ?? null };
}

/**
 * Asks the top frame of a tab of this account for the page's token. The answer must name the same
 * account; the token is used for the current operation and dropped (never stored).
 */
async function pageToken(account: AccountRef, purpose: TokenPurpose): Promise<string | null> {
  for (const { tabId } of await tabsOf(account)) {
    try {
      const reply: unknown = await browser.tabs.sendMessage(
        tabId,
        { type: ACCOUNT_TOKEN_REQUEST, purpose },
        { frameId: 0 },
      );
      if (typeof reply !== 'object' || reply === null) continue;
      const r = reply as { accountId?: unknown; token?: unknown };
      if (r.accountId === account.accountId && typeof r.token === 'string' && /^[\w.~+/=-]{8,512}$/.test(r.token))
        return r.token;
    } catch {
      // That tab's content script is gone (navigated, closed): try the next one.
    }
  }
  return null;
}

/**
 * The key runtime's token: for resolving searches (read:search) the inbox's own OAuth token
 * (inbox/store.ts) before asking a tab; publishing a key (write:accounts) still needs the page's.
 */
async function tokenFor(account: AccountRef, purpose: TokenPurpose): Promise<string | null> {
  if (purpose === 'resolve') {
    const own = await ownToken(account).catch(() => null);
    if (own !== null) return own;
  }
  return pageToken(account, purpose);
}

/** While unlocked, check idleness every minute (alarms survive worker restarts; timers do not). */
async function scheduleAutoLock(locked: boolean): Promise<void> {
  if (locked) await browser.alarms.clear(AUTOLOCK_ALARM);
  else await browser.alarms.create(AUTOLOCK_ALARM, { periodInMinutes: 1 });
}

/** The one key runtime of this background: the services, the keys handlers and the alarms share it. */
const keyRuntime = new KeyRuntime({
  webfingerOrigin,
  local: area(browser.storage.local),
  session: area(browser.storage.session),
  fetch: (url, init) => fetch(url, init),
  now,
  token: tokenFor,
  onLockChange: (locked) => void scheduleAutoLock(locked),
});
const runtime = (): KeyRuntime => keyRuntime;

// ---- services ---------------------------------------------------------------------------------

const keyServices = createKeyServices(runtime);
/** The one store of editor and view sessions (records, offers, who may create and join: messaging/sessions.ts). */
const sessions = browserSessionStore();
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
const keyAccounts = async () => {
  const rt = keyRuntime;
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
  ...createKeysHandlers({ runtime, tabAccount }),
  ...createOverlayHandlers({
    services: keyServices,
    sessions,
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
      const rt = keyRuntime;
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

installKeysBackground({ runtime, services: keyServices });
const route = createRouter(handlers, browser.runtime.id, extensionOrigin);

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => route(message, sender));
browser.runtime.onConnect.addListener((port) => live.attach(port));
installInboxEntryPoints();

// A closed tab's sessions (editor drafts, views, their offers) go with it (storage.session has a quota).
browser.tabs.onRemoved.addListener((tabId) => void clearTabState(tabId).then(() => sessions.sweepTab(tabId)));

browser.permissions.onAdded.addListener((perms) => {
  void reconcileContentScripts().then(() => injectIntoOpenTabs(originsFromPatterns(perms.origins ?? [])));
});
browser.permissions.onRemoved.addListener((perms) => {
  void reconcileContentScripts();
  void stopInOpenTabs(originsFromPatterns(perms.origins ?? []));
});

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
keyRuntime
  .init()
  .then(() => (startup.readyMs = performance.now()))
  .catch((e: unknown) => record('error', `startup: ${e instanceof Error ? e.message : String(e)}`));
startup.evaluatedMs = performance.now();

// Tests poll for this to know the background script has run (the worker target can attach earlier).
(globalThis as { __hushReady?: boolean }).__hushReady = true;
