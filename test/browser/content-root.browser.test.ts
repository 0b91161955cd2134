/**
 * The content script's composition root (content/root.ts) takes back all it added. The script is
 * bundled with a stand-in background (test/fixtures/content-root/fake-browser.ts) into the
 * real-UI snapshot of Mastodon 4.6 (test/fixtures/mastodon/4.6.html), in a real page of each
 * browser; the probe wraps addEventListener/removeEventListener, MutationObserver, ResizeObserver
 * and MessageChannel first, so the counts are what the script holds, not what it says it holds.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserKinds, launchBrowser, type LaunchedBrowser } from './launch';

type Counts = Record<string, number>;
interface Probe {
  counts(): Counts;
  start(wait?: boolean): Promise<Counts>;
  stop(): Promise<Counts>;
  addStatus(): Promise<Counts>;
  orphan(): Promise<Counts>;
  push(message: unknown, fromTab?: boolean): Promise<Counts>;
  hold(): void;
  release(): Promise<Counts>;
  leaveStale(): void;
}

/** Nothing of Hush's left in the page or the browser. */
const NOTHING = {
  listeners: 0,
  mutationObservers: 0,
  resizeObserved: 0,
  openPorts: 0,
  runtimeListeners: 0,
  hosts: 0,
  frames: 0,
  mostHostsForOneStatus: 0,
  lockBars: 0,
  editors: 0,
  placeholders: 0,
  marked: 0,
  relabelled: 0,
};

describe.each(browserKinds())('content script teardown in %s', (kind) => {
  let b: LaunchedBrowser;
  let script: string;
  let page: Page;
  const html = readFileSync(resolve('test/fixtures/mastodon/4.6.html'), 'utf8');

  beforeAll(async () => {
    const out = await build({
      entryPoints: [resolve('test/fixtures/content-root/probe.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2022',
      logLevel: 'silent',
      alias: { 'webextension-polyfill': resolve('test/fixtures/content-root/fake-browser.ts') },
    });
    script = out.outputFiles[0]?.text ?? '';
    b = await launchBrowser(kind);
  });
  afterAll(async () => {
    await b?.close();
  });

  async function fresh(): Promise<void> {
    await page?.close();
    page = await b.newPage();
    await page.setContent(html);
    await page.addScriptTag({ content: script });
  }
  const call = async <K extends keyof Probe>(name: K, ...args: unknown[]): Promise<Awaited<ReturnType<Probe[K]>>> => {
    const got: unknown = await page.evaluate(
      (n: string, a: unknown[]) => {
        const probe = (globalThis as unknown as { hushRoot: Record<string, (...x: unknown[]) => unknown> }).hushRoot;
        return probe[n]?.(...a);
      },
      name,
      args,
    );
    return got as Awaited<ReturnType<Probe[K]>>;
  };

  it('started, it holds listeners, observers, views and an editor; stopped, none of them, and the page changes nothing', async () => {
    await fresh();
    const labels = (): Promise<string[]> =>
      page.$$eval('[aria-label]', (els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const before = await labels();
    const running = await call('start');
    // Mastodon reads each status's text out from its wrapper's label: the ciphertext there is
    // replaced by the view's name while Hush runs, and given back at the stop.
    expect(running.relabelled).toBeGreaterThan(0);
    // Six Hush statuses in the snapshot; the direct reply form gets the lock bar and an editor.
    expect(running.hosts).toBe(6);
    expect(running.frames).toBe(6);
    expect(running.lockBars).toBe(1);
    expect(running.editors).toBe(1);
    expect(running.placeholders).toBe(1);
    expect(running.listeners).toBeGreaterThanOrEqual(4); // click + submit guard (submit, keydown, click)
    expect(running.mutationObservers).toBe(1);
    expect(running.resizeObserved).toBe(6);
    expect(running.runtimeListeners).toBe(3); // token requests, stop, overlay pushes
    expect(await call('stop')).toEqual(NOTHING);
    expect(await labels()).toEqual(before);
    // A new Hush status after the stop: nobody is watching any more.
    expect(await call('addStatus')).toEqual(NOTHING);
  });

  it('a second injection stops the first: one host per status, one lock bar, one set of listeners', async () => {
    await fresh();
    const once = await call('start');
    const twice = await call('start');
    expect(twice).toEqual(once);
    expect(twice.mostHostsForOneStatus).toBe(1);
    expect(await call('stop')).toEqual(NOTHING);
  });

  it("nodes another world's script left behind are swept before the start", async () => {
    await fresh();
    await call('leaveStale');
    expect((await call('counts')).hosts).toBe(1);
    const running = await call('start');
    expect(running.hosts).toBe(6);
    expect(running.mostHostsForOneStatus).toBe(1);
    expect(await page.$$eval('.hush-view[data-hush-for="stale"]', (e) => e.length)).toBe(0);
  });

  it('a script whose extension context is gone (an update in Chromium) stops itself at the next page change', async () => {
    await fresh();
    await call('start');
    // The form the user was writing in stays closed (fail closed, review F4): its notice and the
    // three guards that keep Mastodon's own box from posting are all that is left.
    expect(await call('orphan')).toEqual({ ...NOTHING, listeners: 3 });
    const notice = await page.$eval('form.compose-form .hush-orphan-notice', (e) => e.textContent);
    expect(notice).toBe('composeOrphaned'); // the stand-in browser's i18n answers the key
    const submitted = await page.evaluate(() => {
      const form = document.querySelector<HTMLFormElement>('form.compose-form');
      const e = new Event('submit', { bubbles: true, cancelable: true });
      form?.dispatchEvent(e);
      return !e.defaultPrevented;
    });
    expect(submitted).toBe(false);
    // A new Hush script sweeps the notice: the form is Mastodon's (or the new script's) again.
    await page.evaluate(() => document.querySelector('.hush-orphan-notice')?.remove());
    const after = await page.evaluate(() => {
      const form = document.querySelector<HTMLFormElement>('form.compose-form');
      const e = new Event('submit', { bubbles: true, cancelable: true });
      form?.dispatchEvent(e);
      return !e.defaultPrevented;
    });
    expect(after).toBe(true);
  });

  it("the background's content-stop push (access revoked) takes everything back", async () => {
    await fresh();
    await call('start');
    // Not from the background (a tab sent it), or not a push the schema knows: ignored.
    expect((await call('push', { type: 'hush/overlay-push', kind: 'content-stop' }, true)).hosts).toBe(6);
    expect((await call('push', { type: 'hush/overlay-push', kind: 'content-stop', x: 1 })).hosts).toBe(6);
    expect(await call('push', { type: 'hush/overlay-push', kind: 'content-stop' })).toEqual(NOTHING);
  });

  it('replies that arrive after the stop put nothing into the page', async () => {
    await fresh();
    await call('hold');
    // The page was reported and the hosts (with their frames) are in place; views-open and the
    // editor are not answered yet.
    const early = await call('start', false);
    expect(early.hosts).toBe(6);
    expect(early.editors).toBe(0);
    expect(await call('stop')).toEqual(NOTHING);
    expect(await call('release')).toEqual(NOTHING);
  });
});
