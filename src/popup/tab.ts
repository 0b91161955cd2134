import browser from 'webextension-polyfill';

export interface ActiveTab {
  readonly id: number;
  readonly origin: string | null;
}

/**
 * The tab the popup is about: the active tab, or `?tabId=` when the popup page is opened
 * in a tab of its own (browser tests, and "open in tab" for accessibility).
 */
export async function currentTab(): Promise<ActiveTab | null> {
  const param = new URLSearchParams(location.search).get('tabId');
  let tab: { id?: number; url?: string } | undefined;
  try {
    tab =
      param !== null && /^\d+$/.test(param)
        ? await browser.tabs.get(Number(param))
        : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  } catch {
    // A closed or unknown tab id: the popup then has no tab to talk about, not an endless spinner.
    return null;
  }
  if (tab?.id === undefined) return null;
  let origin: string | null = null;
  try {
    const url = new URL(tab.url ?? '');
    if (url.protocol === 'https:' || url.protocol === 'http:') origin = url.origin;
  } catch {
    origin = null;
  }
  return { id: tab.id, origin };
}

/**
 * The host-permission pattern for an origin. Match patterns ignore ports (Chromium) or reject
 * them in `permissions.contains` (Firefox answers false), so the port is left out.
 */
export function permissionPattern(origin: string): string {
  const u = new URL(origin);
  return `${u.protocol}//${u.hostname}/*`;
}
