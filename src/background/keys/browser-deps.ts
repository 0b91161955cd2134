/**
 * The KeyRuntime's outside world in the extension: browser.storage.local / .session, fetch, the
 * clock (overridable in test builds only) and the token source (the content script of a tab signed
 * in to the account, asked per operation). One shared runtime per background lifetime.
 */
import { fullHandle } from '../../messaging/handle';
import browser from 'webextension-polyfill';
import { ACCOUNT_TOKEN_REQUEST } from '../../messaging/keys-messages';
import type { TabState } from '../../messaging/messages';
import type { AccountRef } from '../services';
import { getTabState } from '../tab-state';
import type { KeyValueArea } from '../storage/kv';
import { KeyRuntime, type TokenPurpose } from './runtime';

/** Test builds only: seconds added to the real clock (tests move time forward for rotation). */
export const TEST_CLOCK_KEY = 'hush-test:clock-offset';
/** Test builds only: { domain: origin } for WebFinger, since the test federation's domains (a.test) have no host. */
export const TEST_WEBFINGER_KEY = 'hush-test:webfinger-origins';

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
export async function tabAccount(account: AccountRef): Promise<{ acct: string; actorUri: string | null } | null> {
  const first = (await tabsOf(account))[0];
  const a = first?.state.page.account;
  const acct = first === undefined || a == null ? null : fullHandle(a.acct, first.state.page.domain);
  return acct === null ? null : { acct, actorUri: a?.uri ?? null };
}

/**
 * Asks the top frame of a tab of this account for the page's token. The answer must name the same
 * account; the token is used for the current operation and dropped (never stored).
 */
export async function pageToken(account: AccountRef, purpose: TokenPurpose): Promise<string | null> {
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
 * The inbox's own OAuth token (inbox/store.ts), used for resolving searches (read:search) before
 * asking a tab. Publishing a key (write:accounts) still needs the page's token.
 */
let resolveTokenSource: ((account: AccountRef) => Promise<string | null>) | null = null;
export function setResolveTokenSource(fn: (account: AccountRef) => Promise<string | null>): void {
  resolveTokenSource = fn;
}

async function tokenFor(account: AccountRef, purpose: TokenPurpose): Promise<string | null> {
  if (purpose === 'resolve' && resolveTokenSource !== null) {
    const own = await resolveTokenSource(account).catch(() => null);
    if (own !== null) return own;
  }
  return pageToken(account, purpose);
}

let shared: KeyRuntime | null = null;

export function browserRuntime(): KeyRuntime {
  shared ??= new KeyRuntime({
    webfingerOrigin,
    local: area(browser.storage.local),
    session: area(browser.storage.session),
    fetch: (url, init) => fetch(url, init),
    now,
    token: tokenFor,
    onLockChange: (locked) => void scheduleAutoLock(locked),
  });
  return shared;
}

export const AUTOLOCK_ALARM = 'hush-autolock';
export const MAINTENANCE_ALARM = 'hush-maintenance';

/** While unlocked, check idleness every minute (alarms survive worker restarts; timers do not). */
async function scheduleAutoLock(locked: boolean): Promise<void> {
  if (locked) await browser.alarms.clear(AUTOLOCK_ALARM);
  else await browser.alarms.create(AUTOLOCK_ALARM, { periodInMinutes: 1 });
}
