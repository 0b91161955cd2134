import browser from 'webextension-polyfill';
import type { PageInfo, TabState } from '../messaging/messages';
import { parseStored, TabStateSchema } from './storage/keys';

// storage.session survives service-worker restarts but not browser restarts: tab ids don't either.
const key = (tabId: number) => `tab:${tabId}`;

export async function setTabState(tabId: number, origin: string, page: PageInfo, now = Date.now()): Promise<TabState> {
  const state: TabState = { origin, page, detectedAt: now };
  await browser.storage.session.set({ [key(tabId)]: state });
  return state;
}

export async function getTabState(tabId: number): Promise<TabState | null> {
  const got = await browser.storage.session.get(key(tabId));
  return parseStored(TabStateSchema, got[key(tabId)]);
}

export async function clearTabState(tabId: number): Promise<void> {
  await browser.storage.session.remove(key(tabId));
}

/** The tabs whose content script reported a page on one of `origins` (any port: permissions have none). */
export async function tabsOn(origins: readonly string[]): Promise<number[]> {
  const wanted = new Set(origins.map(withoutPort).filter((o): o is string => o !== null));
  const all = await browser.storage.session.get(null);
  const out: number[] = [];
  for (const [k, value] of Object.entries(all)) {
    const m = /^tab:(\d+)$/.exec(k);
    const state = m?.[1] === undefined ? null : parseStored(TabStateSchema, value);
    if (m?.[1] === undefined || state === null) continue;
    const o = withoutPort(state.origin);
    if (o !== null && wanted.has(o)) out.push(Number(m[1]));
  }
  return out;
}

function withoutPort(origin: string): string | null {
  try {
    const u = new URL(origin);
    return `${u.protocol}//${u.hostname}`;
  } catch {
    return null;
  }
}
