/**
 * Issue #20: stopping the real content script in a real Mastodon tab of the test federation takes
 * back everything it put into the page. The background's `content-stop` push (what
 * `stopInOpenTabs` sends when the user revokes the instance; the test build's 127.0.0.1
 * permission is static, so the push is sent from the extension's own worker as that function
 * does) reaches the running script with open views and an open secure editor; afterwards the
 * page holds no Hush node, no Hush class on Mastodon's nodes, no extension frame and no rewritten
 * screen-reader label, Mastodon's own compose box is back, and a new Hush status stays as the
 * page drew it (no observer is watching any more). Listener and observer counts, which the page
 * cannot see in the isolated world, are checked with the same script in
 * test/browser/content-root.browser.test.ts (both browsers). Chromium only: the push is sent from
 * the service worker, which puppeteer reaches in Chromium.
 */
import { TargetType } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tabIdFor } from '../browser/extension-helpers';
import { chooseDirect, editorFrame, waitForPlaintext } from '../browser/overlay-support';
import { encryptTo, postThread, publishedKey } from './node-party';
import { startWorld, stopWorld, type World } from './support';

/**
 * A screen-reader label Hush rewrote: the status text's `[Hush encrypted message] <ciphertext>`
 * replaced by the view's name (the same words without the brackets).
 */
const RELABELLED = '[aria-label*="Hush encrypted message"]:not([aria-label*="[Hush encrypted message]"])';
/** Everything of Hush's the page could still hold (its own nodes, its classes, extension frames, its labels). */
const LEFTOVERS = `.hush-view, .hush-frame, .hush-lock-bar, .hush-editor-host, .hush-quoted-placeholder,
  .hush-ciphertext, .hush-locked, iframe[src^="chrome-extension://"], ${RELABELLED}`;

describe('content-stop in a real tab (chromium)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld('chromium', null);
  });
  afterAll(async () => {
    await stopWorld(w);
  });

  it('takes back every node, class, frame and label, and nothing watches the page afterwards', async () => {
    const bobKey = await publishedKey(w.b, 'bob@b.test');
    const first = `shown before the stop ${Math.random().toString(36).slice(2)}`;
    await postThread(w.alice, encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], first));
    await waitForPlaintext(w.bob.page, first, 45_000);
    await chooseDirect(w.bob.page);
    await w.bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 15_000 });
    await editorFrame(w.bob.page);
    const before = await w.bob.page.$$eval(LEFTOVERS, (e) => e.length);
    expect(before).toBeGreaterThan(3);
    expect(await w.bob.page.$$eval(RELABELLED, (e) => e.length)).toBeGreaterThan(0);

    // The push stopInOpenTabs sends, from the background (no tab: the only sender the script obeys).
    const tabId = await tabIdFor(w.bob.ext, w.b.origin);
    const origin = w.browser.extensionOrigin ?? '';
    const target = w.browser.browser
      .targets()
      .find((t) => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(origin));
    const worker = await target?.worker();
    if (!worker) throw new Error('no extension service worker');
    await worker.evaluate(
      (id: number) =>
        (globalThis as unknown as { chrome: { tabs: { sendMessage(...a: unknown[]): Promise<unknown> } } }).chrome.tabs
          .sendMessage(id, { type: 'hush/overlay-push', kind: 'content-stop' }, { frameId: 0 })
          .catch(() => undefined),
      tabId,
    );
    const left = async (): Promise<string[]> =>
      w.bob.page.$$eval(LEFTOVERS, (e) =>
        e.map((x) => `${x.tagName}.${x.className} ${x.getAttribute('aria-label') ?? ''}`),
      );
    for (let i = 0; i < 100 && (await left()).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await left()).toEqual([]);
    // Mastodon's compose box is Mastodon's again: its textarea shows.
    expect(await w.bob.page.$eval('form.compose-form textarea', (t) => (t as HTMLElement).offsetParent !== null)).toBe(
      true,
    );

    // A new Hush status after the stop: the page draws its ciphertext and nobody replaces it.
    const second = `arrives after the stop ${Math.random().toString(36).slice(2)}`;
    const statusesBefore = await w.bob.page.$$eval('.status', (e) => e.length);
    await postThread(w.alice, encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], second));
    await w.bob.page.waitForFunction(
      (n: number) => document.querySelectorAll('.status').length > n,
      { timeout: 30_000 },
      statusesBefore,
    );
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await w.bob.page.$$eval(LEFTOVERS, (e) => e.length)).toBe(0);
  });
});
