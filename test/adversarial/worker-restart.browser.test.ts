/**
 * Issue #7 "nothing lost" / #8 compose: Chromium stops an idle extension service worker after
 * about 30 s. A user who pauses mid-sentence must still be able to post what the secure editor
 * shows, and the messages already on screen must still render: editor drafts and view sessions
 * live in storage.session (memory-only), not only in the worker's memory. Chromium only: Firefox
 * ESR runs the background as an event page, which puppeteer cannot stop on demand.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetType, type Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { launchBrowser, type LaunchedBrowser } from '../browser/launch';
import {
  chooseDirect,
  editorFrame,
  sendSecure,
  enableHush,
  openAs,
  typeSecure,
  verifyContact,
  waitForPlaintext,
  type HushUser,
} from '../browser/overlay-support';
import { allStatusText, extensionCopy } from './support';

/** Stops the extension's service worker the way Chromium does when it idles, and waits until it is gone. */
async function stopWorker(b: LaunchedBrowser): Promise<void> {
  const origin = b.extensionOrigin ?? '';
  const isOurs = (t: Target) => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(origin);
  const target = b.browser.targets().find(isOurs);
  const worker = await target?.worker();
  if (!worker) throw new Error('no extension service worker to stop');
  await worker.close();
  for (let i = 0; i < 100 && b.browser.targets().some(isOurs); i++) await new Promise((r) => setTimeout(r, 100));
  expect(b.browser.targets().some(isOurs)).toBe(false);
}

describe('service worker stopped mid-compose (chromium)', () => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let aliceBrowser: LaunchedBrowser;
  let bobBrowser: LaunchedBrowser;
  let alice: HushUser;
  let bob: HushUser;
  const extensionDir = extensionCopy();

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-adv-worker-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    [aliceBrowser, bobBrowser] = await Promise.all([
      launchBrowser('chromium', { extensionDir }),
      launchBrowser('chromium', { extensionDir }),
    ]);
    const aliceUser = a.users.alice;
    const bobUser = b.users.bob;
    if (!aliceUser || !bobUser) throw new Error('federation users missing');
    alice = await openAs(aliceBrowser, a.origin, aliceUser, 'alice');
    bob = await openAs(bobBrowser, b.origin, bobUser, 'bob', '/conversations');
    await enableHush(alice);
    await enableHush(bob);
    await verifyContact(alice, 'bob@b.test');
    await verifyContact(bob, 'alice@a.test');
  });
  afterAll(async () => {
    await Promise.all([aliceBrowser?.close(), bobBrowser?.close()]);
    await fed?.stop();
  });

  it('the draft typed before the worker stopped is posted encrypted after it, and bob reads it', async () => {
    const secret = `typed before the worker stopped ${Date.now().toString(36)}`;
    await alice.page.bringToFront();
    await chooseDirect(alice.page);
    await alice.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 15_000 });
    await typeSecure(alice.page, `@bob@b.test ${secret}`);

    await stopWorker(aliceBrowser);
    // What the user sees is unchanged: the editor still holds the draft.
    const editor = await editorFrame(alice.page);
    expect(await editor.$eval('textarea.hush-editor', (t) => t.value)).toContain(secret);

    expect(await sendSecure(alice.page)).toBe('sent');
    const seen = await waitForPlaintext(bob.page, secret);
    expect(seen.badge).toBe('verified');
    expect(allStatusText(a, b)).not.toContain(secret);
  });

  it("messages on screen still render after the reader's worker stopped", async () => {
    const secret = `read across a worker stop ${Date.now().toString(36)}`;
    await alice.page.bringToFront();
    await chooseDirect(alice.page);
    await alice.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 15_000 });
    await typeSecure(alice.page, `@bob@b.test ${secret}`);
    expect(await sendSecure(alice.page)).toBe('sent');
    await bob.page.bringToFront();
    await waitForPlaintext(bob.page, secret);

    await stopWorker(bobBrowser);
    // Every frame on the page loads again (as after a crash or a frame reload): each must get its
    // message from the restarted worker, through the session it was handed before the stop.
    await bob.page.$$eval('.hush-view iframe', (frames) => {
      for (const f of frames) f.setAttribute('src', f.getAttribute('src') ?? '');
    });
    const again = await waitForPlaintext(bob.page, secret);
    expect(again.badge).toBe('verified');
  });
});
