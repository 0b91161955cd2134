/**
 * The overlay on the 4.3-4.4 UI generation (visibility dropdown in the footer), through SPA
 * navigation to the DM column (entries without a status id), and failing closed while Hush is
 * locked. One federation and two browsers per browser kind.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { postStatus, queryDb } from '../instance/web/test-support';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import {
  ask,
  chooseDirect,
  clickHush,
  editorFrame,
  enableHush,
  openAs,
  sendSecure,
  typeSecure,
  verifyContact,
  waitForPlaintext,
  type HushUser,
} from './overlay-support';

const extensionDir = testExtensionDir;

const dbText = (...instances: Instance[]): string =>
  instances
    .map((i) =>
      queryDb(i.dbPath, 'SELECT text, content FROM statuses')
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    .join('\n');

describe.each(browserKinds())('overlay on the 4.4 UI in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  const browsers: LaunchedBrowser[] = [];
  let alice: HushUser;
  let bob: HushUser;

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-overlay-ui-')), uiVersion: '4.4.0' });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    browsers.push(
      ...(await Promise.all([launchBrowser(kind, { extensionDir }), launchBrowser(kind, { extensionDir })])),
    );
    const [ab, bb] = browsers as [LaunchedBrowser, LaunchedBrowser];
    alice = await openAs(ab, a.origin, a.users.alice ?? { id: '', acct: '' }, 'alice');
    bob = await openAs(bb, b.origin, b.users.bob ?? { id: '', acct: '' }, 'bob');
    await enableHush(alice);
    await enableHush(bob);
    await verifyContact(alice, 'bob@b.test');
    await verifyContact(bob, 'alice@a.test');
  });
  afterAll(async () => {
    await Promise.all(browsers.map((x) => x.close()));
    await fed?.stop();
  });

  it('posts through the dropdown generation; bob reads it in the DM column after SPA navigation', async () => {
    const secret = `the key is under the mat ${kind}`;
    await chooseDirect(alice.page); // 4.4: li.privacy-dropdown__option[data-index=direct]
    await alice.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    await typeSecure(alice.page, `@bob@b.test ${secret}`);
    expect(await sendSecure(alice.page)).toBe('sent');
    await waitForPlaintext(bob.page, secret);

    // SPA navigation (no reload): the DM column mounts; its entry has no status id (mastodon-ui.md §3.5), so it is
    // read without a replay verdict (it was wrongly shown as "replayed" before DecryptRequest.checkReplay).
    await clickHush(bob.page, 'a.column-link[href="/conversations"]', 'firefox');
    await bob.page.waitForFunction(() => location.pathname === '/conversations');
    const seen = await waitForPlaintext(bob.page, secret);
    expect(seen.statusId.startsWith('c')).toBe(true);
    expect(seen.badge).toBe('verified');
    expect(dbText(a, b)).not.toContain('under the mat');
  });

  it('virtualised home timeline: the view goes with the unrendered status and comes back on scroll', async () => {
    await clickHush(bob.page, 'a.column-link[href="/home"]', 'firefox');
    const first = await waitForPlaintext(bob.page, 'under the mat');
    const bobUser = b.users.bob;
    if (!bobUser) throw new Error('no bob');
    for (let i = 0; i < 60; i++) await postStatus(b.origin, bobUser.token, { status: `filler ${i} `.repeat(20) });
    await bob.page.waitForFunction(() => document.querySelectorAll('.item-list > article').length > 60, {
      timeout: 30_000,
    });
    const scroll = (where: 'top' | 'bottom') =>
      bob.page.evaluate((w) => {
        for (const el of [document.scrollingElement, ...document.querySelectorAll('.scrollable')])
          if (el) el.scrollTop = w === 'top' ? 0 : el.scrollHeight;
      }, where);
    await scroll('top');
    // Far out of the observer's margin, the list re-renders the status without its content.
    await bob.page.waitForFunction(
      (id: string) => document.querySelector(`.status[data-id="${id}"] .status__content__text`) === null,
      { timeout: 30_000 },
      first.statusId,
    );
    await bob.page.waitForFunction(
      (id: string) => document.querySelector(`.hush-view[data-hush-for="${id}"]`) === null,
      { timeout: 30_000 },
      first.statusId,
    );
    await scroll('bottom');
    const again = await waitForPlaintext(bob.page, 'under the mat');
    expect(again.statusId).toBe(first.statusId);
    expect(again.badge).toBe('verified');
  });

  it('fails closed while Hush is locked: nothing posted, the reason shown', async () => {
    const set = await ask<{ result: string }>(alice, 'keys/passphrase-set', {
      passphrase: 'correct horse battery staple 42!',
      current: null,
    });
    expect(set.result).toBe('ok');
    await ask(alice, 'keys/lock', {});
    const before = dbText(a, b);
    await alice.page.reload(); // a fresh compose form (after a send the next direct message opens encrypted)
    await chooseDirect(alice.page);
    // Locked: the lock is not turned on by default, and says why.
    await alice.page.waitForFunction(
      () => (document.querySelector('.hush-compose-note')?.textContent ?? '').length > 0,
      { timeout: 30_000 },
    );
    expect(await alice.page.$eval('.hush-lock-bar', (e) => e.getAttribute('data-hush-lock'))).toBe('off');
    // Turning it on anyway and posting: refused with the account reason, nothing reaches the server.
    await clickHush(alice.page, '.hush-lock-toggle', kind);
    await alice.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    await typeSecure(alice.page, '@bob@b.test written while locked');
    // Send is disabled in the editor; Ctrl+Enter there is refused with the account reason.
    const editor = await editorFrame(alice.page);
    expect(await editor.$eval('button.hush-send', (b) => b.disabled)).toBe(true);
    await editor.evaluate(() =>
      (document.querySelector('textarea.hush-editor') as HTMLTextAreaElement).dispatchEvent(
        new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }),
      ),
    );
    await editor.waitForSelector('#hush-frame[data-problem="account"]', { timeout: 30_000 });
    expect(dbText(a, b)).toBe(before);
    expect(dbText(a, b)).not.toContain('written while locked');
  });
});
