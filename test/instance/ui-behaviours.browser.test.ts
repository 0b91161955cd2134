/**
 * The test instance's web UI reproduces the behaviours of real Mastodon that break overlays:
 * virtualised lists that re-create nodes, CW keeping content out of the DOM, "read more"
 * collapsing, SPA navigation, a React-style controlled textarea, live edits/deletes, and the
 * compose form of both UI generations (4.5+ modal, 4.3-4.4 dropdown). No extension involved.
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
  counterValue,
  postStatus,
  queryDb,
  textareaOf,
  waitForText,
  watchPage,
  type PageWatch,
} from './web/test-support';

const SECRET = 'behind-the-warning';

describe.each(browserKinds())('test instance web UI behaviours in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let token: string;
  let browser: LaunchedBrowser;
  let page: Page;
  let watch: PageWatch;

  const openHome = async (viewport = { width: 1280, height: 900 }): Promise<void> => {
    await page.setViewport(viewport);
    await page.goto(`${a.origin}/home?as=alice`);
    await page.waitForSelector('.item-list[role=feed] article[data-id] .status');
  };

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-web-ui-')) });
    a = fed.instances['a.test'] as Instance;
    token = a.users.alice?.token ?? '';
    // Oldest first: 30 fillers (the first page holds 20), a very long post, then a CW post on top of the home timeline.
    for (let i = 0; i < 30; i++) await postStatus(a.origin, token, { status: `filler ${i} https://example.com/${i}` });
    await postStatus(a.origin, token, { status: Array.from({ length: 120 }, () => 'x').join('\n') });
    await postStatus(a.origin, token, { status: SECRET, spoiler_text: 'cw title' });
    browser = await launchBrowser(kind);
    page = await browser.newPage();
    watch = await watchPage(page);
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.stop();
  });

  it('virtualised list: far off-screen items become bare wrappers and come back as new nodes', async () => {
    await openHome({ width: 1100, height: 500 });
    const item = 'article[aria-posinset="4"]';
    const before = await page.waitForSelector(`${item} .status[data-id]`);
    expect(await page.$eval(item, (e) => [e.getAttribute('data-id'), e.getAttribute('aria-setsize')])).toEqual([
      expect.any(String),
      '20',
    ]);
    await page.$eval('.scrollable', (e) => {
      e.scrollTop = e.scrollHeight;
    });
    // Unrendered: no .status left, a bare div.status__wrapper of spans with the raw HTML as text.
    await page.waitForFunction(
      (sel: string) => {
        const art = document.querySelector(sel);
        return art instanceof HTMLElement && !art.querySelector('.status') && art.style.height !== '';
      },
      {},
      item,
    );
    const hidden = await page.$eval(item, (e) => ({
      spans: Array.from(e.querySelectorAll(':scope > div > div.status__wrapper > span')).map((s) => s.textContent),
      opacity: e.style.opacity,
    }));
    expect(hidden.opacity).toBe('0');
    expect(hidden.spans.some((t) => t.startsWith('<p>filler') && t.includes('</a>'))).toBe(true);
    expect(await before?.evaluate((e) => e.isConnected)).toBe(false);
    // The unrendered CW'd item keeps its content out of the DOM too (only name + spoiler text).
    await page.waitForSelector('article[aria-posinset="1"] > div > div.status__wrapper > span');
    expect(await page.$$eval('article[aria-posinset="1"] span', (e) => e.map((x) => x.textContent))).toEqual([
      'Alice',
      'cw title',
    ]);
    expect(await page.evaluate((t: string) => document.body.innerHTML.includes(t), SECRET)).toBe(false);

    await page.$eval('.scrollable', (e) => {
      e.scrollTop = 0;
    });
    const after = await page.waitForSelector(`${item} .status[data-id] .status__content__text`);
    expect(await page.$eval(item, (e) => e.style.height)).toBe('');
    expect(await after?.evaluate((e) => e.textContent)).toContain('filler');
    // Fresh nodes: the old handle is still detached, the new one is a different element.
    expect(await before?.evaluate((e) => e.isConnected)).toBe(false);
  });

  it('content warning keeps the content out of the DOM until "Show more"', async () => {
    await openHome();
    const cw = 'article[aria-posinset="1"] .status';
    await page.waitForSelector(`${cw} .content-warning button.link-button`);
    expect(await page.$(`${cw} .status__content`)).toBeNull();
    expect(await page.evaluate((s: string) => document.body.innerHTML.includes(s), SECRET)).toBe(false);
    await page.click(`${cw} .content-warning button.link-button`);
    await waitForText(page, `${cw} .status__content .status__content__text--visible`, SECRET);
  });

  it('"read more": content taller than 706px is collapsed with a sibling button', async () => {
    const long = 'article[aria-posinset="2"] .status';
    await page.waitForSelector(
      `${long} .status__content.status__content--collapsed + button.status__content__read-more-button`,
    );
    expect(await page.$$eval(`${cw(1)} .status__content--collapsed`, (e) => e.length)).toBe(0);
  });

  it('SPA navigation: columns mount and unmount in the same document', async () => {
    await openHome();
    await page.evaluate(() => {
      (window as unknown as { __marker: string }).__marker = 'same-document';
    });
    await page.click('.navigation-panel a[href="/conversations"]');
    await page.waitForSelector('.column[aria-label="Private mentions"] .scrollable');
    expect(await page.$('.item-list article .status')).toBeNull(); // home column unmounted
    expect(await page.evaluate(() => location.pathname)).toBe('/conversations');

    await page.click('.navigation-panel a[href="/home"]');
    await page.waitForSelector('.item-list article .status');
    const href = await page.$eval('article[aria-posinset="3"] a.status__relative-time', (e) => e.getAttribute('href'));
    expect(href).toMatch(/^\/@alice\/\d+$/);
    await page.click('article[aria-posinset="3"] a.status__relative-time');
    await page.waitForSelector('.detailed-status__wrapper-public .detailed-status');
    expect(await page.$eval('a.detailed-status__datetime', (e) => e.getAttribute('href'))).toBe(href);
    expect(await page.evaluate(() => location.pathname)).toBe(href);

    await page.goBack();
    await page.waitForSelector('.item-list article .status');
    expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe('same-document');
  });

  it('controlled textarea: value tracker, Grammarly safety net, Ctrl+Enter without a submit event', async () => {
    await openHome();
    const textarea = await textareaOf(page);
    await textarea.type('typed');
    expect(await counterValue(page)).toBe(495);
    // Through the instance `value` property the app sees no change (as with React's tracker)...
    await textarea.evaluate((el) => {
      el.value = 'instance setter';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await counterValue(page)).toBe(495);
    // ...through the prototype setter + input event it does.
    await textarea.evaluate((el) => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(el, 'prototype setter');
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await counterValue(page)).toBe(500 - 'prototype setter'.length);
    // A DOM write without any event is picked up on submit (the "Grammarly" re-read).
    const unique = `dom only ${kind} ${Date.now().toString(36)}`;
    await textarea.evaluate((el, t) => {
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(el, t);
    }, unique);
    expect(await counterValue(page)).toBe(500 - 'prototype setter'.length);
    await page.evaluate(() => {
      (window as unknown as { __submits: number }).__submits = 0;
      document.addEventListener(
        'submit',
        () => {
          (window as unknown as { __submits: number }).__submits++;
        },
        true,
      );
    });
    await textarea.focus();
    await page.keyboard.down('Control');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Control');
    await page.waitForFunction(() => document.querySelector('textarea')?.value === '');
    expect(queryDb(a.dbPath, 'SELECT text FROM statuses WHERE text = ?', [unique])).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { __submits: number }).__submits)).toBe(0);

    // Listeners live at #mastodon (React's root): stopping propagation below it hides events.
    await textarea.evaluate((el) => {
      el.addEventListener(
        'input',
        (e) => {
          e.stopPropagation();
        },
        { once: true },
      );
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(el, 'unseen');
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await counterValue(page)).toBe(500);
    const blocked = `blocked ${kind} ${Date.now().toString(36)}`;
    await textarea.evaluate((el, t) => {
      el.form?.addEventListener(
        'submit',
        (e) => {
          e.preventDefault();
          e.stopPropagation();
        },
        { once: true },
      );
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set?.call(el, t);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, blocked);
    await page.click('form.compose-form button[type=submit]');
    await page.click('form.compose-form button[type=submit]'); // the second submit reaches the app
    await page.waitForFunction(() => document.querySelector('textarea')?.value === '');
    expect(queryDb(a.dbPath, 'SELECT count(*) AS n FROM statuses WHERE text = ?', [blocked])).toEqual([{ n: 1 }]);
  });

  it('edits and deletes arriving by streaming update the DOM', async () => {
    await openHome();
    const s = await postStatus(a.origin, token, { status: `to be edited ${kind}` });
    const sel = `.status[data-id="${s.id}"] .status__content__text`;
    await waitForText(page, sel, `to be edited ${kind}`);
    await api(a.origin, token, 'PUT', `/api/v1/statuses/${s.id}`, { status: `edited ${kind}` });
    await waitForText(page, sel, `edited ${kind}`);
    expect(await page.$eval(sel, (e) => e.textContent)).not.toContain('to be edited');
    await api(a.origin, token, 'DELETE', `/api/v1/statuses/${s.id}`);
    await page.waitForSelector(`.status[data-id="${s.id}"]`, { hidden: true });
  });

  it('editing through the "…" menu: raw source prefilled, labelled Update, saved in place', async () => {
    await openHome();
    const s = await postStatus(a.origin, token, { status: `edit me via ui ${kind} https://example.com/e` });
    const status = `.status[data-id="${s.id}"]`;
    await page.waitForSelector(`${status} .status__action-bar button[title=More]`);
    await page.click(`${status} .status__action-bar button[title=More]`);
    await page.click('::-p-xpath(//li[contains(@class,"dropdown-menu__item")]/a[normalize-space()="Edit"])');
    await page.waitForSelector('form.compose-form .edit-indicator');
    const textarea = await textareaOf(page);
    expect(await textarea.evaluate((e) => e.value)).toBe(`edit me via ui ${kind} https://example.com/e`);
    expect(await page.$eval('form.compose-form button[type=submit]', (e) => e.textContent)).toBe('Update');
    await textarea.type(' (fixed)');
    await page.click('form.compose-form button[type=submit]');
    await page.waitForSelector('form.compose-form .edit-indicator', { hidden: true });
    await waitForText(page, `${status} .status__content__text`, '(fixed)');
    expect(await page.$(`${status} .status__relative-time abbr`)).not.toBeNull(); // edited marker
    expect(queryDb(a.dbPath, 'SELECT text FROM statuses WHERE id = ?', [s.id])).toEqual([
      { text: `edit me via ui ${kind} https://example.com/e (fixed)` },
    ]);
  });

  it('narrow screens: no compose panel, the navigation panel\'s "New Post" opens /publish, publishing goes back', async () => {
    await openHome({ width: 800, height: 800 });
    expect(await page.$('.compose-panel')).toBeNull();
    await page.click('.navigation-panel a.navigation-panel__compose-button[href="/publish"]');
    await page.waitForSelector('.columns-area .column form.compose-form textarea.autosuggest-textarea__textarea', {
      visible: true,
    });
    // Only one compose form holds a textarea while /publish is open.
    expect(await page.$$eval('form.compose-form textarea', (e) => e.length)).toBe(1);
    const text = `@carol from publish ${kind} ${Date.now().toString(36)}`;
    await (await textareaOf(page)).type(text);
    await chooseDirect(page);
    await page.click('.column form.compose-form button[type=submit]');
    await page.waitForFunction(() => location.pathname === '/home');
    expect(queryDb(a.dbPath, 'SELECT visibility FROM statuses WHERE text = ?', [text])).toEqual([
      { visibility: 'direct' },
    ]);
  });

  it('character counter follows max_characters from /api/v2/instance and goes --over', async () => {
    await a.adversary.setMaxCharacters(30);
    try {
      await openHome();
      await page.waitForFunction(() => document.querySelector('span.character-counter')?.textContent === '30');
      await (await textareaOf(page)).type('@dave@b.test https://example.com/a/b/c/d/e/f/g hello');
      // '@dave' (5) + ' ' + URL as 23 + ' hello' (6) = 35 -> -5
      await page.waitForSelector('span.character-counter.character-counter--over');
      expect(await counterValue(page)).toBe(-5);
      expect(await page.$eval('form.compose-form button[type=submit]', (e) => e.disabled)).toBe(true);
    } finally {
      await a.adversary.setMaxCharacters(500);
    }
  });

  it('ran without page errors or CSP violations so far', () => {
    expect(watch.errors).toEqual([]);
    expect(watch.cspViolations).toEqual([]);
  });

  it('4.4 generation: footer dropdowns, privacy dropdown, CW input only when on', async () => {
    a.setUiVersion('4.4.0');
    try {
      await openHome();
      expect(
        await page.$(
          'form.compose-form .compose-form__highlightable .compose-form__scrollable .autosuggest-textarea > textarea.autosuggest-textarea__textarea',
        ),
      ).not.toBeNull();
      expect(
        await page.$('form.compose-form .compose-form__footer .compose-form__dropdowns button.dropdown-button'),
      ).not.toBeNull();
      expect(await page.$('.compose-form__input')).toBeNull();
      expect(await page.$('#cw-spoiler-input')).toBeNull();
      await page.click('form.compose-form .compose-form__buttons button.icon-button[aria-pressed]');
      await page.waitForSelector(
        '.compose-form__scrollable .spoiler-input input#cw-spoiler-input.spoiler-input__input',
      );
      await page.click('form.compose-form .compose-form__buttons button.icon-button[aria-pressed]');
      await page.waitForSelector('#cw-spoiler-input', { hidden: true });

      const text = `@carol legacy ${kind} ${Date.now().toString(36)}`;
      await (await textareaOf(page)).type(text);
      expect(await chooseDirect(page)).toBe('dropdown');
      await page.waitForSelector('form.compose-form .compose-form__warning');
      await page.click('form.compose-form .compose-form__submit button.button.button--compact[type=submit]');
      await page.waitForFunction(() => document.querySelector('textarea')?.value === '');
      expect(queryDb(a.dbPath, 'SELECT visibility FROM statuses WHERE text = ?', [text])).toEqual([
        { visibility: 'direct' },
      ]);
    } finally {
      a.setUiVersion('4.8.0');
    }
    // Back on 4.8: the modern hierarchy (dropdowns on top, .compose-form__input wrapper).
    await openHome();
    expect(
      await page.$('form.compose-form .compose-form__highlightable > .compose-form__dropdowns button.dropdown-button'),
    ).not.toBeNull();
    expect(await page.$('form.compose-form div.autosuggest-textarea.compose-form__input > textarea')).not.toBeNull();
  });
});

function cw(pos: number): string {
  return `article[aria-posinset="${pos}"] .status`;
}
