import type { Page } from 'puppeteer-core';

/** The slice of the WebExtension API the tests call from extension pages (chrome.* or browser.*). */
export interface MiniExtensionApi {
  runtime: { sendMessage(m: unknown): Promise<unknown> };
  tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
}
export type ExtGlobal = { browser?: MiniExtensionApi; chrome: MiniExtensionApi };

/** Sends a runtime message from an extension page (popup-like context) and returns the raw reply. */
export function sendFromExtensionPage(page: Page, message: unknown): Promise<unknown> {
  return page.evaluate(async (m) => {
    const g = globalThis as unknown as ExtGlobal;
    const api = g.browser ?? g.chrome;
    return await api.runtime.sendMessage(m);
  }, message);
}

/** Tab id of the first tab whose URL starts with `prefix` (test builds have host access to 127.0.0.1). */
export async function tabIdFor(extPage: Page, prefix: string): Promise<number> {
  const id = await extPage.evaluate(async (p) => {
    const g = globalThis as unknown as ExtGlobal;
    const api = g.browser ?? g.chrome;
    const tabs = await api.tabs.query({});
    return tabs.find((t) => t.url?.startsWith(p))?.id ?? null;
  }, prefix);
  if (id === null) throw new Error(`no tab for ${prefix}`);
  return id;
}

/** Polls the background until the content script of `tabId` has reported its page. */
export async function waitForTabState(extPage: Page, tabId: number, timeoutMs = 15_000): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = (await sendFromExtensionPage(extPage, { type: 'popup/tab-state', payload: { tabId } })) as {
      ok: boolean;
      value?: { state: unknown };
    };
    if (reply.ok && reply.value?.state) return reply.value.state;
    if (Date.now() > deadline) throw new Error(`content script never reported tab ${tabId}: ${JSON.stringify(reply)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
