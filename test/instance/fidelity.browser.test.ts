/**
 * The test instance's web UI does what Mastodon's does in the places an overlay meets it: statuses
 * posted through the REST API arrive over the one streaming WebSocket; the advanced layout shows
 * one status in Home, Notifications and Private mentions at once; the thread opens on a
 * mousedown/mouseup pair on the content (not on a drag, not from a link); threads, CWs, media and
 * cards have Mastodon's DOM; the mobile /publish screen goes back after posting. No extension.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserKinds, launchBrowser, type LaunchedBrowser } from '../browser/launch';
import { startFederation, type Federation, type Instance } from './server/federation';
import {
  api,
  chooseDirect,
  postStatus,
  queryDb,
  textareaOf,
  waitForText,
  watchPage,
  type PageWatch,
} from './web/test-support';

describe.each(browserKinds())('test instance fidelity to the Mastodon web UI in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let alice: string;
  let carol: string;
  let bob: string;
  let browser: LaunchedBrowser;
  let page: Page;
  let watch: PageWatch;
  const tag = `${kind}-${Date.now().toString(36)}`;

  const open = async (path: string, viewport = { width: 1280, height: 900 }): Promise<void> => {
    await page.setViewport(viewport);
    await page.goto(`${a.origin}${path}${path.includes('?') ? '&' : '?'}as=alice`);
    await page.waitForSelector('#mastodon div.ui');
  };

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-fidelity-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    alice = a.users.alice?.token ?? '';
    carol = a.users.carol?.token ?? '';
    bob = b.users.bob?.token ?? '';
    browser = await launchBrowser(kind);
    page = await browser.newPage();
    watch = await watchPage(page);
  });
  afterAll(async () => {
    await a?.adversary.setAdvancedLayout('alice', false);
    await browser?.close();
    await fed?.stop();
  });

  it('streaming is one WebSocket; a status posted through the REST API appears in the open page', async () => {
    await a.adversary.clearRequestLog();
    await open('/home');
    // An empty home timeline: the empty-column indicator, then the streamed status in a feed.
    await page.waitForSelector('.column[aria-label="Home"] .empty-column-indicator');
    const text = `over the socket ${tag}`;
    await postStatus(a.origin, carol, { status: `@alice ${text}`, visibility: 'direct' });
    await waitForText(page, '.column[aria-label="Home"] .status .status__content__text', text);
    const log = await a.adversary.requestLog();
    expect(log.filter((r) => r.websocket).map((r) => [r.path, r.account])).toEqual([['/api/v1/streaming/', 'alice']]);
    expect(log.filter((r) => r.path.startsWith('/api/v1/streaming/') && !r.websocket)).toEqual([]);
  });

  it('advanced layout: one status in Home, Notifications and Private mentions at once', async () => {
    await a.adversary.setAdvancedLayout('alice', true);
    try {
      await open('/home');
      await page.waitForFunction(() => location.pathname === '/deck/getting-started');
      expect(
        await page.$eval('body', (e) => [
          e.classList.contains('layout-multiple-columns'),
          e.classList.contains('layout-single-column'),
        ]),
      ).toEqual([true, false]);
      expect(await page.$$eval('main.columns-area > .drawer form.compose-form', (e) => e.length)).toBe(1);
      await page.click('.column a[href="/conversations"]');
      await page.waitForFunction(() => location.pathname === '/deck/conversations');
      await page.waitForSelector('.column[aria-label="Private mentions"] .scrollable');
      expect(
        await page.$$eval('main.columns-area > .column', (e) => e.map((c) => c.getAttribute('aria-label'))),
      ).toEqual(['Home', 'Notifications', 'Private mentions']);

      const text = `three columns ${tag}`;
      const s = (await api(b.origin, bob, 'POST', '/api/v1/statuses', {
        status: `@alice@a.test ${text}`,
        visibility: 'direct',
      })) as { uri: string };
      await b.deliveriesSettled();
      const local = queryDb(a.dbPath, 'SELECT id FROM statuses WHERE uri = ?', [s.uri])[0]?.id as string;
      const conv = (
        (await api(a.origin, alice, 'GET', '/api/v1/conversations')) as { id: string; last_status: { id: string } }[]
      ).find((c) => c.last_status.id === local);
      expect(conv).toBeDefined();
      await waitForText(page, `.column[aria-label="Home"] .status[data-id="${local}"] .status__content__text`, text);
      await waitForText(
        page,
        `.column[aria-label="Notifications"] .notification-ungrouped--direct .status[data-id="${local}"] .status__content__text`,
        text,
      );
      await waitForText(
        page,
        `.column[aria-label="Private mentions"] article[data-id="${conv?.id ?? ''}"] .conversation .status__content__text`,
        text,
      );

      // Opening the status from the DM column pushes /deck/@acct/id; the thread is the routed column.
      await page.click(`article[data-id="${conv?.id ?? ''}"] .conversation__avatar`);
      await page.waitForFunction((id: string) => location.pathname === `/deck/@bob@b.test/${id}`, {}, local);
      await page.waitForSelector('main.columns-area > .column[aria-label="Post"] .detailed-status');
    } finally {
      await a.adversary.setAdvancedLayout('alice', false);
    }
  });

  it('the thread opens on mousedown + mouseup on the content, not after a drag, not from a link', async () => {
    const text = `click me ${tag}`;
    const s = await postStatus(a.origin, carol, { status: `${text} https://example.com/${tag}` });
    await open('/home');
    const content = `.column[aria-label="Home"] .status[data-id="${s.id}"] .status__content`;
    await page.waitForSelector(content);
    // A drag (text selection) is not a click.
    const box = await (await page.$(`${content} .status__content__text`))?.boundingBox();
    if (!box) throw new Error('no content box');
    await page.mouse.move(box.x + 4, box.y + 6);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, box.y + 6, { steps: 4 });
    await page.mouse.up();
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => location.pathname)).toBe('/home');
    // Mastodon listens for mousedown/mouseup, not click: a click event alone does nothing.
    await page.$eval(content, (e) => e.dispatchEvent(new MouseEvent('click', { bubbles: true, button: 0, detail: 1 })));
    await new Promise((r) => setTimeout(r, 200));
    expect(await page.evaluate(() => location.pathname)).toBe('/home');
    // The link inside keeps its own meaning (a new tab), the thread does not open.
    const pages = (await browser.browser.pages()).length;
    await page.click(`${content} a.unhandled-link`);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => location.pathname)).toBe('/home');
    for (const p of (await browser.browser.pages()).slice(pages)) await p.close();
    await page.mouse.click(box.x + 4, box.y + 6);
    await page.waitForFunction((id: string) => location.pathname === `/@carol/${id}`, {}, s.id);
    await page.waitForSelector('.detailed-status__wrapper .detailed-status');
  });

  it('a thread: ancestors and descendants in-thread with their lines; the focused status one div deeper', async () => {
    const root = await postStatus(a.origin, carol, { status: `root ${tag}` });
    const middle = await postStatus(a.origin, alice, { status: `@carol middle ${tag}`, in_reply_to_id: root.id });
    const leaf = await postStatus(a.origin, carol, { status: `@alice leaf ${tag}`, in_reply_to_id: middle.id });
    await open(`/@alice/${middle.id}`);
    await page.waitForSelector('.detailed-status__wrapper');
    const dom = await page.$eval('.column .item-list.scrollable', (list) =>
      Array.from(list.children).map((c) => {
        const st = c.querySelector('.status');
        return st
          ? {
              id: st.getAttribute('data-id'),
              cls: ['status--in-thread', 'status-reply', 'status--first-in-thread'].filter((k) =>
                st.classList.contains(k),
              ),
              line: st.querySelector(':scope > .status__line')?.className ?? null,
              wrapperInThread: c.querySelector('.status__wrapper--in-thread') !== null,
            }
          : {
              detailed:
                c.matches('.focusable.detailed-status__wrapper.detailed-status__wrapper-public') &&
                c.querySelector(':scope > div > .detailed-status') !== null,
              id: c.querySelector('a.detailed-status__datetime')?.getAttribute('href'),
            };
      }),
    );
    expect(dom).toEqual([
      {
        id: root.id,
        cls: ['status--in-thread'],
        line: 'status__line status__line--full status__line--first',
        wrapperInThread: true,
      },
      { detailed: true, id: `/@alice/${middle.id}` },
      { id: leaf.id, cls: ['status--in-thread', 'status-reply'], line: 'status__line', wrapperInThread: true },
    ]);
    expect(await page.$('.detailed-status .status__content--with-action')).toBeNull();
  });

  it('CW banner, media gallery and preview card render as Mastodon renders them', async () => {
    const cw = await postStatus(a.origin, carol, { status: `behind ${tag}`, spoiler_text: `warning ${tag}` });
    const media = await postStatus(a.origin, carol, { status: `pictures ${tag}`, sensitive: true });
    await a.adversary.patchStatus(media.id, { mediaAttachments: 2 });
    const card = await postStatus(a.origin, carol, { status: `a link ${tag} https://example.com/article` });
    await a.adversary.patchStatus(card.id, { card: true });
    await open('/home');
    const cwSel = `.status[data-id="${cw.id}"]`;
    await page.waitForSelector(`${cwSel} .content-warning`);
    expect(
      await page.$eval(`${cwSel} .content-warning`, (e) => ({
        p: e.querySelector(':scope > p[id] > span')?.textContent,
        button: e.querySelector(':scope > button.link-button')?.textContent,
        describedBy:
          e.querySelector(':scope > button')?.getAttribute('aria-describedby') === e.querySelector(':scope > p')?.id,
      })),
    ).toEqual({ p: `warning ${tag}`, button: 'Show more', describedBy: true });
    expect(await page.$(`${cwSel} .status__content`)).toBeNull();
    // A click on the banner text is forwarded to its button.
    await page.click(`${cwSel} .content-warning p`);
    await waitForText(page, `${cwSel} .status__content__text`, `behind ${tag}`);
    expect(await page.$eval(`${cwSel} .content-warning button`, (e) => e.textContent)).toBe('Hide post');
    expect(await page.evaluate(() => location.pathname)).toBe('/home');

    const gallery = `.status[data-id="${media.id}"] .status__content + .media-gallery.media-gallery--layout-2`;
    await page.waitForSelector(gallery);
    expect(await page.$$eval(`${gallery} > .media-gallery__item.media-gallery__item--tall`, (e) => e.length)).toBe(2);
    expect(await page.$(`${gallery} .media-gallery__item-thumbnail img`)).toBeNull(); // sensitive: hidden
    await page.click(`${gallery} .spoiler-button button.spoiler-button__overlay`);
    await page.waitForSelector(
      `${gallery} .media-gallery__item > a.media-gallery__item-thumbnail[target=_blank] > img`,
    );
    expect(await page.$(`${gallery} .media-gallery__actions button.media-gallery__actions__pill`)).not.toBeNull();

    const cardSel = `.status[data-id="${card.id}"] .status__content + a.status-card.expanded[target=_blank][rel=noopener]`;
    await page.waitForSelector(cardSel);
    expect(
      await page.$eval(cardSel, (e) => ({
        href: e.getAttribute('href'),
        image: e.querySelector(':scope > .status-card__image > img.status-card__image-image') !== null,
        host: e.querySelector('.status-card__content > .status-card__host')?.textContent,
        title: e.querySelector('.status-card__content > strong.status-card__title')?.textContent,
      })),
    ).toEqual({ href: 'https://example.com/article', image: true, host: 'example.com', title: 'An article' });
  });

  it('a poll and a quoted post render as Mastodon 4.4+ renders them (components/poll.tsx, status_quoted.tsx)', async () => {
    const quoted = await postStatus(a.origin, carol, { status: `the quoted one ${tag}` });
    const s = await postStatus(a.origin, carol, { status: `asking ${tag}` });
    await a.adversary.patchStatus(s.id, { poll: true, quoteId: quoted.id });
    await open('/home');
    const sel = `.status[data-id="${s.id}"]`;
    // The poll inside div.status__content, after the text; the quote after it, with the quoted
    // status nested as .status.status--is-quote[data-id]; the quoting status marked --has-quote.
    await page.waitForSelector(`${sel}.status--has-quote .status__content > .status__content__text + .poll`);
    expect(
      await page.$eval(sel, (e) => ({
        options: [...e.querySelectorAll('.poll .poll__option .poll__option__text')].map((o) => o.textContent),
        quote: e.querySelector(':scope > .status__quote .status.status--is-quote')?.getAttribute('data-id'),
        quotedText: e.querySelector('.status__quote .status__content__text')?.textContent,
      })),
    ).toEqual({ options: ['Yes', 'No'], quote: quoted.id, quotedText: `the quoted one ${tag}` });
  });

  it("a DM-column entry's date is time[datetime] = its last status's created_at, in the single-column, advanced and mobile layouts (conversation.jsx: RelativeTimestamp)", async () => {
    const text = `dated ${tag}`;
    const st = (await api(b.origin, bob, 'POST', '/api/v1/statuses', {
      status: `@alice@a.test ${text}`,
      visibility: 'direct',
    })) as { uri: string };
    await b.deliveriesSettled();
    const conv = (
      (await api(a.origin, alice, 'GET', '/api/v1/conversations')) as {
        id: string;
        last_status: { uri: string; created_at: string };
      }[]
    ).find((c) => c.last_status.uri === st.uri);
    expect(conv).toBeDefined();
    const entry = `article[data-id="${conv?.id ?? ''}"] .conversation`;
    const dateIn = async (): Promise<string | null | undefined> => {
      await waitForText(page, `${entry} .status__content__text`, text);
      return page.$eval(entry, (e) =>
        e
          .querySelector('.conversation__content__info .conversation__content__relative-time time[datetime]')
          ?.getAttribute('datetime'),
      );
    };
    await open('/conversations');
    expect(await dateIn()).toBe(conv?.last_status.created_at);
    await open('/conversations', { width: 500, height: 800 });
    expect(await dateIn()).toBe(conv?.last_status.created_at);
    await a.adversary.setAdvancedLayout('alice', true);
    try {
      await open('/deck/conversations');
      expect(await dateIn()).toBe(conv?.last_status.created_at);
    } finally {
      await a.adversary.setAdvancedLayout('alice', false);
    }
  });

  it('mobile: the bottom bar opens /publish, which goes back after posting; a /publish loaded directly stays', async () => {
    await open('/home', { width: 500, height: 800 });
    expect(await page.$('.compose-panel')).toBeNull();
    await page.click('.ui__navigation-bar a.ui__navigation-bar__item[href="/publish"]');
    await page.waitForFunction(() => location.pathname === '/publish');
    expect(await page.$$eval('form.compose-form textarea', (e) => e.length)).toBe(1);
    const text = `@carol mobile ${tag}`;
    await (await textareaOf(page)).type(text);
    await chooseDirect(page);
    await page.click('form.compose-form button[type=submit]');
    await page.waitForFunction(() => location.pathname === '/home');
    expect(await page.$('form.compose-form')).toBeNull();
    expect(queryDb(a.dbPath, 'SELECT visibility FROM statuses WHERE text = ?', [text])).toEqual([
      { visibility: 'direct' },
    ]);

    await open('/publish', { width: 500, height: 800 });
    const again = `direct load ${tag}`;
    await (await textareaOf(page)).type(again);
    await page.click('form.compose-form button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector<HTMLTextAreaElement>('form.compose-form textarea')?.value === '',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.evaluate(() => location.pathname)).toBe('/publish');
    expect(queryDb(a.dbPath, 'SELECT count(*) AS n FROM statuses WHERE text = ?', [again])).toEqual([{ n: 1 }]);
  });

  it("visibility (4.5+): the modal's options open in body > div.visibility-dropdown__overlay, outside the modal", async () => {
    await open('/home');
    await page.click('form.compose-form .compose-form__dropdowns button.dropdown-button');
    await page.waitForSelector('.modal-root__modal.dialog-modal.visibility-modal');
    await page.click('.visibility-modal .visibility-dropdown__button');
    const where = await page.waitForSelector('li.visibility-dropdown__option[role=option][data-index=direct]');
    expect(
      await where?.evaluate((li) => ({
        path: [
          li.parentElement,
          li.parentElement?.parentElement,
          li.parentElement?.parentElement?.parentElement,
          li.parentElement?.parentElement?.parentElement?.parentElement,
        ].map((e) =>
          e ? `${e.tagName.toLowerCase()}${e.className ? `.${e.className.split(' ').join('.')}` : ''}` : '-',
        ),
        inModal: li.closest('.visibility-modal') !== null,
      })),
    ).toEqual({
      path: [
        'ul',
        'div.dropdown-animation.visibility-dropdown__dropdown',
        'div.visibility-dropdown__overlay',
        'body.app-body.layout-single-column',
      ],
      inModal: false,
    });
    // A helper that looks inside the modal finds nothing, as on the real UI.
    expect(await page.$('.visibility-modal li.visibility-dropdown__option')).toBeNull();
    await where?.click();
    await page.waitForSelector('body > .visibility-dropdown__overlay', { hidden: true });
    const save = await page.waitForSelector(
      '::-p-xpath(//div[contains(@class,"visibility-modal")]//button[normalize-space()="Save"])',
    );
    await save?.click();
    await page.waitForSelector('form.compose-form .compose-form__dropdowns button.dropdown-button svg.icon-at');
  });

  it('ran without page errors or CSP violations', () => {
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
  });
});
