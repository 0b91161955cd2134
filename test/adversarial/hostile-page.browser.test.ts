/**
 * Issue #7, a hostile page: b.test serves HOSTILE_SCRIPT before and after its web app. Bob reads
 * a message from alice and writes one in the secure editor while the script tries every way in
 * (DOM, shadow roots, frames, postMessage, extension APIs, side channels, spoofed events, fake
 * UI, textarea swap). Every attempt must be tried and fail: the page's loot, its network log and
 * both databases never hold the plaintext, the draft or the security phrase.
 */
import type { Frame } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewHeight } from '../../src/content/view-size';
import { browserKinds } from '../browser/launch';
import {
  chooseDirect,
  editorFrame,
  editorProblem,
  sendSecure,
  typeSecure,
  waitForPlaintext,
} from '../browser/overlay-support';
import { queryDb } from '../instance/web/test-support';
import { HOSTILE_SCRIPT, type HostileReport } from './hostile-script';
import { encryptTo, postThread, publishedKey } from './node-party';
import { allStatusText, PHRASE, startWorld, statusCount, stopWorld, Tally, type World } from './support';

const report = async (w: World): Promise<HostileReport> =>
  JSON.parse(
    (await w.bob.page.evaluate(() => document.documentElement.getAttribute('data-hostile'))) ?? '{}',
  ) as HostileReport;

/** Waits for the hostile script's next sweeps (it sweeps every 700 ms) after something new appeared. */
const sweeps = async (w: World, n = 3): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const before = (await report(w)).attempts['dom-read']?.tries ?? 0;
    await w.bob.page.waitForFunction(
      (b) => {
        const r = JSON.parse(document.documentElement.getAttribute('data-hostile') ?? '{}') as HostileReport;
        return (r.attempts['dom-read']?.tries ?? 0) > b;
      },
      { timeout: 10_000 },
      before,
    );
  }
};

describe.each(browserKinds())('a hostile page in %s', (kind) => {
  let w: World;
  const tally = new Tally();
  const secret = `hostile-read ${kind} ${Math.random().toString(36).slice(2)}`;
  const draft = `hostile-draft ${kind} ${Math.random().toString(36).slice(2)}`;
  const typed = `keyed ${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    w = await startWorld(kind, HOSTILE_SCRIPT);
  });
  afterAll(async () => {
    tally.print(`hostile page (${kind})`);
    await stopWorld(w);
  });

  it('the hostile script ran before and after the app, and the page still works with Hush', async () => {
    const r = await report(w);
    expect(r.phases).toEqual(expect.arrayContaining(['before', 'after']));
    expect(await w.bob.page.$('#mastodon')).not.toBeNull();
  });

  it('reading a message: the secure view shows it; the page gets nothing from the DOM, frames, APIs or side channels', async () => {
    const bobKey = await publishedKey(w.b, 'bob@b.test');
    await postThread(w.alice, encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], secret));
    const seen = await waitForPlaintext(w.bob.page, secret);
    expect(seen.badge).toBe('verified');
    await sweeps(w);
    const r = await report(w);
    for (const name of [
      'dom-read',
      'shadow-read',
      'iframe-document',
      'frame-location',
      'performance-entries',
      'post-message',
      'extension-api',
      'fetch-frame',
    ]) {
      const a = r.attempts[name];
      expect(a, `${name} was tried`).toBeDefined();
      tally.add(name, a?.tries ?? 0, a?.succeeded ?? 0, a?.detail);
      expect(a?.succeeded, `${name}: ${a?.detail ?? ''}`).toBe(0);
    }
    const loot = r.loot.join('\n');
    // The script does read the page: it saw the ciphertext and the frames' URLs, never the plaintext.
    expect(loot).toContain('[Hush encrypted message]');
    expect(loot).toMatch(/(chrome|moz)-extension:\/\/[^ ]+\/frames\/view\.html/);
    expect(loot).not.toContain(secret);
    expect(loot).not.toContain(PHRASE);
    // No frame answered a forged postMessage.
    expect(r.replies.filter((x) => /^(chrome|moz)-extension:/.test(x))).toEqual([]);
    // The view's size is one of 4 classes (from the ciphertext's length: public), whatever the page measures.
    expect(r.heights.length).toBeGreaterThan(0);
    // Heights are a function of the class, the page's font size and line height, the view's width and whether it is a thread's focus (all public).
    const [fontSizePx, lineHeightPx] = await w.bob.page.$eval('.status__content__text', (e) => [
      parseFloat(getComputedStyle(e).fontSize),
      parseFloat(getComputedStyle(e).lineHeight) || parseFloat(getComputedStyle(e).fontSize) * 1.4,
    ]);
    const widths = await w.bob.page.$$eval('.hush-view', (hosts) => [...new Set(hosts.map((h) => h.clientWidth))]);
    const style = {
      color: 'rgb(0, 0, 0)',
      background: 'rgb(255, 255, 255)',
      link: 'rgb(0, 0, 255)',
      fontFamily: '',
      fontSizePx: fontSizePx ?? 15,
      lineHeightPx: lineHeightPx ?? 22,
      dark: false,
    };
    const allowed = widths.flatMap((width) =>
      ([0, 1, 2, 3] as const).flatMap((c) => [viewHeight(c, style, width, false), viewHeight(c, style, width, true)]),
    );
    for (const h of r.heights) expect(allowed).toContain(h);
    expect(w.requests.join('\n')).not.toContain(secret);
  });

  it('the real view carries the security phrase, which a fake badge drawn by the page cannot show', async () => {
    const handle = await w.bob.page.waitForSelector('.hush-view iframe');
    const frame = (await handle?.contentFrame()) as Frame;
    expect(await frame.$eval('.hush-phrase', (e) => e.textContent)).toBe(PHRASE);
    await w.bob.page.evaluate(() => {
      (window as unknown as { __hostileGo: (w: string) => void }).__hostileGo('fake');
    });
    const r = await report(w);
    tally.add('fake-badge', r.attempts['fake-badge']?.tries ?? 0, 0);
    expect(r.attempts['fake-badge']?.tries).toBeGreaterThan(0);
    expect(r.loot.join('\n')).not.toContain(PHRASE);
  });

  it('decrypted HTML, script, CSS, bidi overrides and zero-width characters render as inert, exact text', async () => {
    const hostileText = `x<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script><style>*{display:none}</style>\u202Eevil\u202C\u200Bend`;
    const bobKey = await publishedKey(w.b, 'bob@b.test');
    await postThread(w.alice, encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], hostileText));
    const seen = await waitForPlaintext(w.bob.page, 'evil');
    expect(seen.text).toBe(hostileText);
    for (const handle of await w.bob.page.$$('.hush-view iframe')) {
      const frame = await handle.contentFrame();
      const inside = await frame
        .evaluate(() => ({
          elements: document.querySelectorAll('.hush-plaintext *').length,
          title: document.title,
          shown: getComputedStyle(document.querySelector('.hush-plaintext') ?? document.body).display,
        }))
        .catch(() => null);
      if (inside === null) continue;
      expect(inside.elements).toBe(0);
      expect(inside.title).not.toBe('pwned');
      expect(inside.shown).not.toBe('none');
    }
    expect(await w.bob.page.title()).not.toBe('pwned');
  });

  it('writing a message: keystrokes, the draft and the phrase never reach the page, and forged frame messages change nothing', async () => {
    await chooseDirect(w.bob.page);
    await w.bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    await typeSecure(w.bob.page, `@alice@a.test ${draft}`);
    // Real keystrokes into the secure editor: the page's capture listeners must see none of them.
    const editor = await editorFrame(w.bob.page);
    await editor.type('textarea.hush-editor', ` ${typed}`);
    await w.bob.page.evaluate(() => {
      (window as unknown as { __hostileGo: (w: string) => void }).__hostileGo('fake');
    });
    await sweeps(w);
    const r = await report(w);
    for (const name of [
      'dom-read',
      'iframe-document',
      'post-message',
      'extension-api',
      'clipboard',
      'keylog',
      'fake-editor',
    ]) {
      const a = r.attempts[name];
      expect(a, `${name} was tried`).toBeDefined();
      tally.add(`${name} (editor)`, name === 'dom-read' ? 0 : (a?.tries ?? 0), a?.succeeded ?? 0, a?.detail);
      expect(a?.succeeded, `${name}: ${a?.detail ?? ''}`).toBe(0);
    }
    const loot = r.loot.join('\n');
    expect(loot).toMatch(/(chrome|moz)-extension:\/\/[^ ]+\/frames\/editor\.html/);
    expect(loot).not.toContain(draft);
    expect(loot).not.toContain(typed);
    expect(loot).not.toContain(PHRASE);
    // The forged editor-draft postMessage did not replace what bob typed.
    const value = await editor.$eval('textarea.hush-editor', (t) => t.value);
    expect(value).toContain(draft);
    expect(value).toContain(typed);
    expect(value).not.toContain('hijacked');
    expect(w.requests.join('\n')).not.toContain(draft);
    expect(allStatusText(w.a, w.b)).not.toContain(draft);
  });

  // Was a gap found by this suite: Hush's controls and submit guards now ignore isTrusted=false events.
  it('spoofed clicks, submit events and Ctrl+Enter (isTrusted false) post nothing', async () => {
    const before = statusCount(w.b);
    await w.bob.page.evaluate(() => {
      (window as unknown as { __hostileGo: (w: string) => void }).__hostileGo('spoof');
    });
    // Give a publish that the spoof might have started the time a real one takes.
    await new Promise((res) => setTimeout(res, 4000));
    await w.b.deliveriesSettled();
    const r = await report(w);
    tally.add(
      'synthetic-events',
      r.attempts['synthetic-events']?.tries ?? 0,
      statusCount(w.b) - before,
      'page-made events posted the draft',
    );
    expect(
      statusCount(w.b),
      `posted by spoofed events: ${allStatusText(w.b).split('\n').slice(before).join('\n').slice(0, 300)}`,
    ).toBe(before);
    const editor = await editorFrame(w.bob.page);
    expect(await editor.$eval('textarea.hush-editor', (t) => t.value)).toContain(draft);
  });

  // The page writes carol into Mastodon's compose box before the editor opens (the editor's seed)
  // and again after bob chose alice in the secure editor: the box is a seed only, so the post must
  // go to alice and to nobody else.
  it('mentions swapped in the page textarea are not posted to the new recipients', async () => {
    await w.bob.page.goto(`${w.b.origin}/home`);
    await w.bob.page.waitForSelector('form.compose-form textarea');
    const swap = (): Promise<void> =>
      w.bob.page.evaluate(() => {
        (window as unknown as { __hostileGo: (w: string) => void }).__hostileGo('swap');
      });
    const triesBefore = (await report(w)).attempts['textarea-swap']?.tries ?? 0;
    await swap();
    await chooseDirect(w.bob.page);
    await w.bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    await typeSecure(w.bob.page, `@alice@a.test swap ${draft}`);
    await swap();
    // The attack ran: the page's box now names carol, and the script counted the attempt.
    const r = await report(w);
    const tries = (r.attempts['textarea-swap']?.tries ?? 0) - triesBefore;
    expect(tries, 'the page swapped the mentions in its compose box').toBeGreaterThan(0);
    expect(await w.bob.page.$eval('form.compose-form textarea', (t) => t.value)).toContain('@carol@a.test');
    const before = statusCount(w.b);
    // Sending must finish (a timeout throws); a failure shown in the editor fails the test too.
    expect(await sendSecure(w.bob.page), await editorProblem(w.bob.page).catch(() => 'editor gone')).toBe('sent');
    await w.b.deliveriesSettled();
    const posted = queryDb(w.b.dbPath, 'SELECT id FROM statuses ORDER BY rowid')
      .slice(before)
      .map((row) => String(row.id));
    expect(posted.length, 'the message was posted').toBeGreaterThan(0);
    const mentioned = new Set(
      posted.flatMap((id) =>
        queryDb(
          w.b.dbPath,
          "SELECT a.username || '@' || COALESCE(a.domain, 'b.test') AS acct FROM mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id = ?",
          [id],
        ).map((row) => String(row.acct)),
      ),
    );
    const toCarol = mentioned.has('carol@a.test') ? 1 : 0;
    tally.add('textarea-swap', tries, toCarol, 'ciphertext posted to the mentions the page wrote');
    expect([...mentioned]).toEqual(['alice@a.test']);
    expect(allStatusText(w.b)).not.toContain(draft);
  });

  it('a post the server refuses (422) publishes nothing and keeps the draft in the secure editor', async () => {
    const kept = `refused ${Math.random().toString(36).slice(2)}`;
    await w.bob.page.goto(`${w.b.origin}/home`);
    await w.bob.page.waitForSelector('form.compose-form');
    await chooseDirect(w.bob.page);
    await w.bob.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
    await typeSecure(w.bob.page, `@alice@a.test ${kept}`);
    // The instance now refuses anything longer than 100 characters (a failure after encryption).
    await w.b.adversary.setMaxCharacters(100);
    const before = statusCount(w.b);
    try {
      const editor = await editorFrame(w.bob.page);
      await editor.focus('textarea.hush-editor');
      await w.bob.page.keyboard.down('Control');
      await w.bob.page.keyboard.press('Enter');
      await w.bob.page.keyboard.up('Control');
      await editor.waitForSelector('#hush-frame[data-phase="failed"]', { timeout: 45_000 });
      expect(await editor.$eval('#hush-frame', (r) => (r as HTMLElement).dataset.problem)).toBe('refused');
      expect(statusCount(w.b)).toBe(before);
      expect(await editor.$eval('textarea.hush-editor', (t) => t.value)).toContain(kept);
      expect(await w.bob.page.$eval('textarea.autosuggest-textarea__textarea', (t) => t.value)).not.toContain(kept);
      expect(allStatusText(w.a, w.b)).not.toContain(kept);
      expect(w.requests.join('\n')).not.toContain(kept);
    } finally {
      await w.b.adversary.setMaxCharacters(500);
    }
  });
});
