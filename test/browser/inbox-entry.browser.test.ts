/**
 * Issue #18: the inbox across a background restart, its ways in, and dark mode, in Chromium and
 * Firefox ESR. alice reads in the inbox with her own OAuth connection and no Mastodon tab; carol
 * (a Node party) sent her a Hush message.
 *
 * - The background stopping: Chromium's service worker is closed through its target; Firefox's
 *   event page is suspended by the browser itself after `extensions.background.idle.timeout` (set
 *   low for this browser only), seen from an extension page as a new background window. A draft
 *   typed before it survives (storage.session), and the list loads again.
 * - The popup's "Open inbox" (a real click, the user gesture side panels and sidebars need):
 *   Chromium shows inbox.html in the side panel or a tab (a new target); Firefox opens its sidebar
 *   (`sidebarAction.isOpen`). The sidebar's document is in Firefox's chrome, which puppeteer's BiDi
 *   pages do not reach: that it shows the inbox is the manifest's `sidebar_action`, not asserted.
 * - Firefox's toolbar menu entry and `open-inbox` command: the browser's own menu and shortcut
 *   cannot be driven by puppeteer (browser chrome, not a page); the test build's listeners are
 *   invoked as the browser would (through the background window), and the inbox tab they open is
 *   found through `tabs.query` (BiDi does not list it among its pages). The command's declared
 *   shortcut is read with `commands.getAll`. That the menu item is in the toolbar's menu has no
 *   API to read (no `menus.getAll`): not asserted.
 * - axe in dark mode: Chromium emulates the scheme; Firefox cannot over BiDi, so its profile
 *   prefers dark (`layout.css.prefers-color-scheme.content-override` = 0) and the page's
 *   matchMedia is checked before axe runs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TargetType, type Page, type Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { encryptTo, nodeParty, postThread, publishedKey } from '../adversarial/node-party';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import { ask, enableHush, openAs, type HushUser } from './overlay-support';
import { connect, textOf, until } from './inbox-support';

const IDLE_MS = 4000;
const axeSource = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

describe.each(browserKinds())('inbox entry points, restart and dark mode in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let br: LaunchedBrowser;
  let alice: HushUser;
  let inbox: Page;
  const secret = `carol's note ${kind} ${Date.now().toString(36)}`;

  /** Runs in an extension page (alice's popup tab): the WebExtension API there. */
  const inExt = <T>(fn: string): Promise<T> => alice.ext.evaluate(fn) as Promise<T>;

  async function axeDark(name: string): Promise<void> {
    if (kind === 'chromium') await inbox.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    expect(await inbox.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), 'dark scheme').toBe(true);
    await inbox.evaluate(axeSource);
    const found = await inbox.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run(d: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
        }
      ).axe;
      return (await axe.run(document)).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(found, `${name} (dark)`).toEqual([]);
  }

  async function openChat(): Promise<void> {
    await until('conversation', () => inbox.$('[data-testid="conversation"]'));
    await inbox.click('[data-testid="conversation"]');
    await until('message', async () => (await textOf(inbox, '[data-testid="message"]')).includes(secret), 45_000);
  }

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-inbox-entry-')) });
    a = fed.instances['a.test'] as Instance;
    br = await launchBrowser(kind, {
      extensionDir: testExtensionDir,
      firefoxPrefs: {
        'extensions.background.idle.timeout': IDLE_MS,
        'layout.css.prefers-color-scheme.content-override': 0,
      },
    });
    alice = await openAs(br, a.origin, a.users.alice as { id: string; acct: string }, 'alice');
    await enableHush(alice);
    const carol = await nodeParty(a, 'carol');
    await postThread(carol, encryptTo(carol, [{ acct: 'alice@a.test', key: await publishedKey(a, 'alice') }], secret));
    inbox = await br.openExtensionPage('inbox.html');
    await connect(br.browser, inbox, a.origin);
    await until('connected', async () =>
      (await ask<{ accounts: { acct: string; connection: string }[] }>(alice, 'inbox/state', {})).accounts.some(
        (x) => x.acct === 'alice@a.test' && x.connection === 'oauth',
      ),
    );
    await alice.page.close();
  });
  afterAll(async () => {
    await br?.close();
    await fed?.stop();
  });

  it('axe finds no violation in dark mode on the list and the chat', async () => {
    await inbox.bringToFront();
    await until('conversation', () => inbox.$('[data-testid="conversation"]'));
    await axeDark('list');
    await openChat();
    await axeDark('chat');
  });

  it('a draft survives the background stopping, and the list loads again after it', async () => {
    await inbox.bringToFront();
    if ((await inbox.$('[data-testid="chat"]')) === null) await openChat();
    const draft = `draft across a restart ${kind}`;
    await inbox.click('[data-testid="compose-text"]');
    await inbox.type('[data-testid="compose-text"]', draft);
    await new Promise((r) => setTimeout(r, 600)); // the composer saves 150 ms after the last key
    await inbox.close();
    if (kind === 'chromium') {
      const isOurs = (t: Target) =>
        t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(br.extensionOrigin ?? '-');
      const worker = await br.browser.targets().find(isOurs)?.worker();
      if (!worker) throw new Error('no extension service worker to stop');
      await worker.close();
      await until('worker gone', () => Promise.resolve(!br.browser.targets().some(isOurs)), 10_000);
    } else {
      // A mark on the running background window; once the browser has suspended the event page
      // (nothing open talks to it), the window asked for next is a new one, without the mark.
      await inExt(`(async () => { (await browser.runtime.getBackgroundPage()).__hushTestMark = 'before'; })()`);
      await until(
        'background suspended and started again',
        async () => {
          await new Promise((r) => setTimeout(r, IDLE_MS + 1000));
          return (
            (await inExt<string | null>(
              `(async () => (await browser.runtime.getBackgroundPage()).__hushTestMark ?? null)()`,
            )) === null
          );
        },
        90_000,
      );
    }
    inbox = await br.openExtensionPage('inbox.html');
    await until('list loaded again', async () => {
      const rows = await textOf(inbox, '[data-testid="conversation"]');
      return rows.includes(secret.slice(0, 12)) && (await inbox.$('[data-testid="list-updating"]')) === null;
    });
    await inbox.click('[data-testid="conversation"]');
    await until('draft back', () =>
      inbox.$eval('[data-testid="compose-text"]', (el, d) => (el as HTMLTextAreaElement).value === d, draft),
    );
  });

  it("the popup's Open inbox button opens the side panel (Chromium) or the sidebar (Firefox), else a tab", async () => {
    const popup = await br.openExtensionPage('popup.html');
    await until('open inbox button', () => popup.$('[data-testid="open-inbox"]'));
    if (kind === 'chromium') {
      const before = new Set(br.browser.targets().filter((t) => t.url().endsWith('/inbox.html')));
      await popup.click('[data-testid="open-inbox"]');
      const opened = await br.browser.waitForTarget((t) => t.url().endsWith('/inbox.html') && !before.has(t), {
        timeout: 20_000,
      });
      expect(opened.url()).toBe(`${br.extensionOrigin ?? ''}/inbox.html`);
    } else {
      expect(await inExt<boolean>(`browser.sidebarAction.isOpen({})`)).toBe(false);
      await popup.click('[data-testid="open-inbox"]');
      await until('sidebar open', () => inExt<boolean>(`browser.sidebarAction.isOpen({})`));
      await inExt(`browser.sidebarAction.close()`).catch(() => undefined);
    }
  });

  it.runIf(kind === 'firefox')(
    'Firefox: the toolbar menu entry and the open-inbox command (their listeners) open the inbox; the shortcut is declared',
    async () => {
      const commands = await inExt<{ name: string; shortcut: string }[]>(`browser.commands.getAll()`);
      expect(commands.find((c) => c.name === 'open-inbox')?.shortcut).toBe('Alt+Shift+U');
      const inboxTabs = () =>
        inExt<number>(
          `browser.tabs.query({}).then((ts) => ts.filter((t) => (t.url || '').endsWith('/inbox.html')).length)`,
        );
      for (const how of ['menu', 'command'] as const) {
        const before = await inboxTabs();
        const result = await inExt<string>(`(async () => {
          const e = (await browser.runtime.getBackgroundPage()).__hushTestInboxEntry;
          const win = await browser.windows.getLastFocused();
          // Another menu item or command opens nothing.
          if (${JSON.stringify(how)} === 'menu' ? e.menu({ menuItemId: 'other' }, { windowId: win.id }) !== null
              : e.command('other', { windowId: win.id }) !== null) return 'opened for another id';
          return ${JSON.stringify(how)} === 'menu'
            ? e.menu({ menuItemId: 'hush-open-inbox' }, { windowId: win.id })
            : e.command('open-inbox', { windowId: win.id });
        })()`);
        // Without a user gesture Firefox refuses to open the sidebar: the inbox opens as a tab.
        expect(result, how).toBe('tab');
        await until(`inbox tab from the ${how}`, async () => (await inboxTabs()) > before);
      }
    },
  );
});
