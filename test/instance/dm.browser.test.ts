/**
 * Issue #4 acceptance, no extension: alice on a.test writes a direct message to @bob@b.test through
 * the web UI (choosing "direct" in the visibility control of the page's generation), bob's second
 * browser shows it live in his conversations column, and both SQLite files hold the text.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HTTPRequest, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserKinds, launchBrowser, type LaunchedBrowser } from '../browser/launch';
import { startFederation, type Federation, type Instance } from './server/federation';
import { api, chooseDirect, postStatus, queryDb, textareaOf, waitForText, watchPage } from './web/test-support';

describe.each(browserKinds())('direct message through the test instance web UI in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let aliceBrowser: LaunchedBrowser;
  let bobBrowser: LaunchedBrowser;

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-web-dm-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    [aliceBrowser, bobBrowser] = await Promise.all([launchBrowser(kind), launchBrowser(kind)]);
  });
  afterAll(async () => {
    await Promise.all([aliceBrowser?.close(), bobBrowser?.close()]);
    await fed?.stop();
  });

  it('alice sends a DM from the compose form; bob sees it live; the databases hold the text', async () => {
    const bob = await bobBrowser.newPage();
    const bobWatch = await watchPage(bob);
    await bob.goto(`${b.origin}/conversations?as=bob`);
    await bob.waitForSelector('.column .scrollable');

    const alice = await aliceBrowser.newPage();
    const aliceWatch = await watchPage(alice);
    const searches: string[] = [];
    alice.on('request', (r: HTTPRequest) => {
      if (r.url().includes('/api/v1/accounts/search')) searches.push(r.url());
    });
    await alice.goto(`${a.origin}/home?as=alice`);
    const text = `@bob@b.test hello from ${kind} ${Date.now().toString(36)}`;
    const textarea = await textareaOf(alice);
    await textarea.click();
    await textarea.type(text);
    expect(await chooseDirect(alice)).toBe('modal'); // 4.8.0 is the default generation
    await alice.waitForSelector('form.compose-form .compose-form__warning');
    // Remaining = 500 - length, with @bob@b.test counted as @bob.
    expect(await alice.$eval('span.character-counter', (e) => Number(e.textContent))).toBe(
      500 - (text.length - '@b.test'.length),
    );
    await alice.click('form.compose-form .compose-form__submit button[type=submit]');

    // After success the form is cleared and visibility is back to the default (public).
    await alice.waitForFunction(() => document.querySelector('textarea')?.value === '');
    await alice.waitForSelector('.compose-form__dropdowns button.dropdown-button svg.icon-globe');
    expect(await alice.$('.compose-form__warning')).toBeNull();

    // Bob's open conversations column got it through streaming, without a reload.
    await waitForText(bob, '.item-list article[data-id] .conversation .status__content__text', `hello from ${kind}`);
    const entry = await bob.$eval('.item-list article[data-id] .conversation', (e) => ({
      unread: e.classList.contains('unread'),
      names: Array.from(e.querySelectorAll('.conversation__content__names a')).map((x) => x.getAttribute('href')),
      mention: e.querySelector('.status__content__text a.mention')?.getAttribute('href'),
    }));
    expect(entry.unread).toBe(true);
    expect(entry.names).toEqual(['/@alice@a.test']);
    expect(entry.mention).toBe('/@bob');

    // Typing "@bo..." asked the server for suggestions (the plaintext-leak surface of real Mastodon).
    expect(searches.some((u) => /[?&]q=bo[^&]*&resolve=false&limit=4/.test(u))).toBe(true);

    const sent = queryDb(a.dbPath, 'SELECT visibility, text FROM statuses WHERE text = ?', [text]);
    expect(sent).toEqual([{ visibility: 'direct', text }]);
    await b.deliveriesSettled();
    const received = queryDb(b.dbPath, 'SELECT visibility, text FROM statuses WHERE text LIKE ?', [
      `%hello from ${kind}%`,
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]?.visibility).toBe('direct');

    // Bob replies from the conversation: the reply id lives in app state, visibility becomes direct.
    await replyFromConversation(bob, `thanks ${kind}`);
    await waitForText(bob, '.item-list article[data-id] .conversation .status__content__text', `thanks ${kind}`);
    const reply = queryDb(b.dbPath, 'SELECT visibility, in_reply_to_id FROM statuses WHERE text LIKE ?', [
      `%thanks ${kind}%`,
    ]);
    expect(reply).toHaveLength(1);
    expect(reply[0]?.visibility).toBe('direct');
    expect(reply[0]?.in_reply_to_id).toBeTruthy();

    // The same DM as bob's grouped (v2) mention notification, reached by SPA navigation.
    await bob.click('.navigation-panel a[href="/notifications"]');
    await waitForText(
      bob,
      '.item-list article[data-id] .notification-ungrouped.notification-ungrouped--mention.notification-ungrouped--direct .status.status-direct .status__content__text',
      `hello from ${kind}`,
    );

    // Everything above ran under Mastodon's production CSP without violations or page errors.
    expect([...aliceWatch.errors, ...aliceWatch.cspViolations, ...bobWatch.errors, ...bobWatch.cspViolations]).toEqual(
      [],
    );
  });

  it('profile fields render as dl/dt/dd, also for a remote account', async () => {
    const bobToken = b.users.bob?.token ?? '';
    await api(b.origin, bobToken, 'PATCH', '/api/v1/accounts/update_credentials', {
      fields_attributes: [{ name: 'Hush key', value: `k-${kind}` }],
    });
    const page = await aliceBrowser.newPage();
    await page.goto(`${a.origin}/@bob@b.test?as=alice`);
    // What a.test says about bob (its cached copy) renders in the same structure.
    await waitForText(page, '.account__header h1', '@bob@b.test');
    await page.goto(`${b.origin}/@bob?as=dave`);
    await page.waitForSelector('.account__header .account__header__fields dl dt');
    expect(
      await page.$$eval('.account__header__fields dl', (dls) =>
        dls.map((dl) => [dl.querySelector('dt')?.textContent, dl.querySelector('dd.translate')?.textContent]),
      ),
    ).toEqual([['Hush key', `k-${kind}`]]);
  });

  it('the DM column keeps off-screen conversations rendered (no unrendering)', async () => {
    const aliceToken = a.users.alice?.token ?? '';
    for (let i = 0; i < 22; i++)
      await postStatus(a.origin, aliceToken, { status: `@bob@b.test filler dm ${i}`, visibility: 'direct' });
    await a.deliveriesSettled();
    const page = await bobBrowser.newPage();
    await page.setViewport({ width: 1100, height: 400 });
    await page.goto(`${b.origin}/conversations?as=bob`);
    await page.waitForFunction(
      () => document.querySelectorAll('.item-list article[data-id] .conversation').length >= 20,
    );
    const first = await page.$('.item-list article[data-id] .conversation');
    await page.$eval('.scrollable', (e) => {
      e.scrollTop = e.scrollHeight;
    });
    await page.waitForFunction(() => (document.querySelector('.scrollable')?.scrollTop ?? 0) > 0);
    // Give an unrendering list every chance (idle callbacks) before checking nothing changed.
    await page.evaluate(
      () =>
        new Promise((r) => {
          setTimeout(r, 300);
        }),
    );
    expect(await first?.evaluate((e) => e.isConnected)).toBe(true);
    expect(
      await page.$$eval(
        '.item-list article[data-id]',
        (arts) => arts.filter((x) => x.style.height !== '' || !x.querySelector('.conversation')).length,
      ),
    ).toBe(0);
  });
});

async function replyFromConversation(page: Page, words: string): Promise<void> {
  await page.click('.item-list article[data-id] .conversation .status__action-bar button[title=Reply]');
  await page.waitForSelector('form.compose-form .reply-indicator');
  expect(await page.$eval('form.compose-form button[type=submit]', (e) => e.textContent)).toBe('Reply');
  await page.waitForSelector('.compose-form__dropdowns button.dropdown-button svg.icon-at');
  const textarea = await textareaOf(page);
  expect(await textarea.evaluate((e) => e.value)).toBe('@alice@a.test ');
  await textarea.type(words);
  await page.keyboard.down('Control');
  await page.keyboard.press('Enter');
  await page.keyboard.up('Control');
  await page.waitForSelector('form.compose-form .reply-indicator', { hidden: true });
}
