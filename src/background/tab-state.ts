import browser from 'webextension-polyfill';
import type { PageInfo, TabState } from '../messaging/messages';

// storage.session survives service-worker restarts but not browser restarts: tab ids don't either.
const key = (tabId: number) => `tab:${tabId}`;

export async function setTabState(tabId: number, origin: string, page: PageInfo, now = Date.now()): Promise<TabState> {
  const state: TabState = { origin, page, detectedAt: now };
  await browser.storage.session.set({ [key(tabId)]: state });
  return state;
}

export async function getTabState(tabId: number): Promise<TabState | null> {
  const got = await browser.storage.session.get(key(tabId));
  return (got[key(tabId)] as TabState | undefined) ?? null;
}

export async function clearTabState(tabId: number): Promise<void> {
  await browser.storage.session.remove(key(tabId));
}
