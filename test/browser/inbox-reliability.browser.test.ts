/**
 * Issue #18, reliability and the features a messenger user expects (Chromium and Firefox ESR
 * unless a case says otherwise). alice reads in the inbox with her own OAuth connection and no
 * Mastodon tab; bob and carol are Node parties posting real Hush messages (test/adversarial/
 * node-party.ts); dave has no Hush key. Covered: mark read through the API, search by participant,
 * keyboard use of the list and the chat, the invitation sent only on its click, drafts that
 * survive closing the inbox (and, in Chromium, the service worker stopping), a send interrupted by
 * the worker stopping (Chromium), a rate-limited send, a revoked token with "Connect again". After
 * each send the instances hold only ciphertext.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetType, type Page, type Target } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { queryDb } from '../instance/web/test-support';
import { api, encryptTo, nodeParty, postThread, publishedKey, type NodeParty } from '../adversarial/node-party';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import { ask, enableHush, openAs, verifyContact, type HushUser } from './overlay-support';
import { axeClean, connect, consent, listItems, reload, textOf, until } from './inbox-support';

const allStatusText = (...instances: Instance[]): string =>
  instances
    .map((i) =>
      queryDb(i.dbPath, 'SELECT * FROM statuses')
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    .join('\n');

/** Stops the extension's service worker the way Chromium does when it idles, and waits until it is gone. */
async function stopWorker(b: LaunchedBrowser): Promise<void> {
  const isOurs = (t: Target) => t.type() === TargetType.SERVICE_WORKER && t.url().startsWith(b.extensionOrigin ?? '-');
  const worker = await b.browser.targets().find(isOurs)?.worker();
  if (!worker) throw new Error('no extension service worker to stop');
  await worker.close();
  await until('worker gone', () => Promise.resolve(!b.browser.targets().some(isOurs)), 10_000);
}

interface ConvJson {
  id: string;
  unread: boolean;
  last_status: { id: string };
}

describe.each(browserKinds())('inbox reliability and features in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let br: LaunchedBrowser;
  let alice: HushUser;
  let inbox: Page;
  let bob: NodeParty;
  let carol: NodeParty;
  const secrets = { bob: `bob here ${kind} ${Date.now().toString(36)}`, carol: `carol here ${kind}` };
  const convs: Record<string, string> = {};

  const conversations = (): Promise<ConvJson[]> => api<ConvJson[]>(a, 'alice', 'GET', '/api/v1/conversations?limit=40');
  const aliceStatuses = (): { text: string; visibility: string }[] =>
    queryDb(a.dbPath, 'SELECT text, visibility FROM statuses WHERE account_id = ?', [a.users.alice?.id ?? '']) as {
      text: string;
      visibility: string;
    }[];
  async function openList(): Promise<string[]> {
    await inbox.bringToFront();
    await reload(inbox);
    await until('list', () => inbox.$('[data-testid="conversation"], [data-testid="inbox-problem"]'));
    return listItems(inbox);
  }
  async function openChat(id: string): Promise<void> {
    await until('item', () => inbox.$(`[data-testid="conversation"][data-id="${id}"]`));
    await inbox.click(`[data-testid="conversation"][data-id="${id}"]`);
    await until('chat', () => inbox.$('[data-testid="message"]'));
  }
  const draftValue = (): Promise<string> =>
    inbox.$eval('[data-testid="compose-text"]', (el) => (el as HTMLTextAreaElement).value);
  async function typeDraft(text: string): Promise<void> {
    await inbox.click('[data-testid="compose-text"]');
    await inbox.type('[data-testid="compose-text"]', text);
    await new Promise((r) => setTimeout(r, 600)); // the composer saves 150 ms after the last key
  }
  const sentShown = (text: string) =>
    until(
      `"${text}" in the chat`,
      async () => (await textOf(inbox, '[data-testid="message"][data-kind="hush"]')).includes(text),
      45_000,
    );

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-inbox-rel-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    br = await launchBrowser(kind, { extensionDir: testExtensionDir });
    alice = await openAs(br, a.origin, a.users.alice as { id: string; acct: string }, 'alice');
    await enableHush(alice);
    [bob, carol] = await Promise.all([nodeParty(b, 'bob'), nodeParty(a, 'carol')]);
    await verifyContact(alice, 'bob@b.test');
    const aliceKey = await publishedKey(a, 'alice');
    for (const [name, party] of [
      ['carol', carol],
      ['bob', bob],
    ] as const) {
      await postThread(party, encryptTo(party, [{ acct: 'alice@a.test', key: aliceKey }], secrets[name]));
      await b.deliveriesSettled();
      convs[name] = (await conversations())[0]?.id ?? '';
    }
    inbox = await br.openExtensionPage('inbox.html');
    await connect(br.browser, inbox, a.origin);
    await until('connected', async () =>
      (await ask<{ accounts: { acct: string; connection: string }[] }>(alice, 'inbox/state', {})).accounts.some(
        (x) => x.acct === 'alice@a.test' && x.connection === 'oauth',
      ),
    );
    // No Mastodon tab from here on: the inbox works on its own connection.
    await alice.page.close();
  });
  afterAll(async () => {
    await br?.close();
    await fed?.stop();
  });

  it('unread state, search by participant, keyboard through list and chat; opening marks read through the API', async () => {
    const items = await openList();
    expect(items).toHaveLength(2);
    expect(
      await inbox.$$eval('[data-testid="conversation"]', (els) => els.map((e) => e.classList.contains('unread'))),
    ).toEqual([true, true]);
    // Search by participant: filters the list as typed.
    await inbox.type('#conv-filter', 'carol');
    expect(await listItems(inbox)).toEqual([expect.stringContaining(secrets.carol)]);
    await inbox.$eval('#conv-filter', (el) => {
      (el as HTMLInputElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await inbox.type('#conv-filter', '@bob@b');
    expect(await listItems(inbox)).toEqual([expect.stringContaining(secrets.bob)]);
    await inbox.type('#conv-filter', 'zzz');
    expect(await listItems(inbox)).toEqual([]);
    await inbox.$eval('#conv-filter', (el) => {
      (el as HTMLInputElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    // Keyboard: Tab from the filter reaches the list; arrows move; Enter opens; Escape goes back.
    await inbox.focus('[data-testid="conversation"]');
    await inbox.keyboard.press('ArrowDown');
    const focused = await inbox.evaluate(() => document.activeElement?.getAttribute('data-id'));
    expect(focused).toBe(convs.carol);
    await inbox.keyboard.press('ArrowUp');
    expect(await inbox.evaluate(() => document.activeElement?.getAttribute('data-id'))).toBe(convs.bob);
    await inbox.keyboard.press('Enter');
    await until('bob chat', async () => (await textOf(inbox, '[data-testid="message"]')).includes(secrets.bob));
    // Opening marked it read at the instance.
    await until(
      'read at the instance',
      async () => (await conversations()).find((c) => c.id === convs.bob)?.unread === false,
    );
    expect((await conversations()).find((c) => c.id === convs.carol)?.unread).toBe(true);
    // The composer is reachable by Tab; Shift+Enter is a new line and sends nothing.
    for (
      let i = 0;
      i < 12 && (await inbox.evaluate(() => document.activeElement?.getAttribute('data-testid'))) !== 'compose-text';
      i++
    )
      await inbox.keyboard.press('Tab');
    expect(await inbox.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('compose-text');
    const before = aliceStatuses().length;
    await inbox.keyboard.type('one');
    await inbox.keyboard.down('Shift');
    await inbox.keyboard.press('Enter');
    await inbox.keyboard.up('Shift');
    await inbox.keyboard.type('two');
    expect(await draftValue()).toBe('one\ntwo');
    expect(aliceStatuses()).toHaveLength(before);
    await inbox.keyboard.press('Escape');
    await until('list again', () => inbox.$('[data-testid="conversation-list"]'));
    expect(
      await inbox.$$eval('[data-testid="conversation"]', (els) =>
        els.map((e) => [e.getAttribute('data-id'), e.classList.contains('unread')]),
      ),
    ).toEqual([
      [convs.bob, false],
      [convs.carol, true],
    ]);
    await axeClean(inbox, kind, 'list after reading');
  });

  it('the invitation to someone without Hush is sent only on its click, unencrypted, as shown', async () => {
    await openList();
    await inbox.click('[data-testid="new-conversation"]');
    await inbox.type('[data-testid="recipient-search"]', 'dave@b.test');
    // Search results are not looked up (nothing is discovered or pinned by appearing in a search):
    // dave is added, and his chip then says he has no Hush key and offers the invitation.
    await until('dave in the results', () => inbox.$('[data-testid="result"] [data-testid="add-recipient"]'));
    await inbox.click('[data-testid="result"] [data-testid="add-recipient"]');
    await until('dave without Hush', () => inbox.$('[data-testid="chip"][data-state="no_key"] [data-testid="invite"]'));
    await axeClean(inbox, kind, 'new conversation');
    const before = aliceStatuses().length;
    await new Promise((r) => setTimeout(r, 1000));
    expect(aliceStatuses()).toHaveLength(before);
    await inbox.click('[data-testid="chip"][data-state="no_key"] [data-testid="invite"]');
    await until('invited', () => inbox.$('[role="status"]'));
    const after = aliceStatuses();
    expect(after).toHaveLength(before + 1);
    const sent = after.find((s) => s.text.includes('Hush (https://hush-e2ee.org)'));
    expect(sent?.visibility).toBe('direct');
    expect(sent?.text).toMatch(/^@dave@b\.test I'd like to send you an end-to-end encrypted message\./);
  });

  it('a draft survives closing the inbox (and, in Chromium, the service worker stopping)', async () => {
    await openList();
    await openChat(convs.carol ?? '');
    const draft = `draft that survives ${kind}`;
    await typeDraft(draft);
    await inbox.close();
    if (kind === 'chromium') await stopWorker(br);
    inbox = await br.openExtensionPage('inbox.html');
    await until('list', () => inbox.$('[data-testid="conversation"]'));
    await openChat(convs.carol ?? '');
    await until('draft back', async () => (await draftValue()) === draft);
  });

  it('a rate-limited send names the reset time and keeps the draft; Try again sends it, as ciphertext', async () => {
    const text = `sent after the rate limit ${kind}`;
    await inbox.$eval('[data-testid="compose-text"]', (el) => {
      (el as HTMLTextAreaElement).value = '';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await typeDraft(text);
    await a.adversary.setNetworkBehaviour('/api/v1/statuses', { rateLimited: true, resetInSeconds: 600 });
    try {
      await inbox.keyboard.press('Enter');
      const problem = await until(
        'send problem',
        async () => (await textOf(inbox, '[data-testid="send-problem"]')) || null,
      );
      expect(problem).toMatch(/slow down until/);
      expect(await draftValue()).toBe(text);
    } finally {
      await a.adversary.setNetworkBehaviour('/api/v1/statuses', 'normal');
    }
    await inbox.click('[data-testid="send-retry"]');
    await sentShown(text);
    expect(allStatusText(a, b)).not.toContain(text);
  });

  it.runIf(kind === 'chromium')(
    'the worker stopping mid-send: an error with Try again, the draft kept, sent once after',
    async () => {
      const text = `sent across a worker stop ${kind}`;
      await typeDraft(text);
      const before = aliceStatuses().length;
      await a.adversary.clearRequestLog();
      await a.adversary.setNetworkBehaviour('/api/v1/statuses', 'hang');
      try {
        await inbox.keyboard.press('Enter');
        await until('post in flight', async () =>
          (await a.adversary.requestLog()).some((r) => r.method === 'POST' && r.path === '/api/v1/statuses'),
        );
        await stopWorker(br);
        await until('send problem', () => inbox.$('[data-testid="send-problem"]'));
        expect(await draftValue()).toBe(text);
      } finally {
        await a.adversary.setNetworkBehaviour('/api/v1/statuses', 'normal');
      }
      await inbox.click('[data-testid="send-retry"]');
      await sentShown(text);
      expect(aliceStatuses().length).toBe(before + 1);
      expect(allStatusText(a, b)).not.toContain(text);
    },
  );

  // Chromium: the worker's global is reachable through its target. Firefox ESR: tried through
  // runtime.getBackgroundPage() from the inbox page; the listeners answered 'tab', but the tab they
  // opened never showed among puppeteer's (BiDi) pages, so nothing could be asserted: not run there.
  it.runIf(kind === 'chromium')(
    'the toolbar menu entry and the open-inbox command open the inbox (their listeners, invoked as the browser would)',
    async () => {
      const pages = async () => (await br.browser.pages()).filter((p) => p.url().endsWith('/inbox.html')).length;
      const t = await br.browser.waitForTarget(
        (x) => x.type() === TargetType.SERVICE_WORKER && x.url().startsWith(br.extensionOrigin ?? '-'),
      );
      const w = await t.worker();
      if (!w) throw new Error('no worker');
      for (const how of ['menu', 'command'] as const) {
        const before = await pages();
        const result = await w.evaluate(async (h) => {
          type Entry = Record<'menu' | 'command', (a: unknown, tab: { windowId?: number }) => Promise<string> | null>;
          const g = globalThis as unknown as {
            __hushTestInboxEntry: Entry;
            chrome: { windows: { getLastFocused(): Promise<{ id: number }> } };
          };
          const e = g.__hushTestInboxEntry;
          const win = await g.chrome.windows.getLastFocused();
          // Another menu item or command opens nothing.
          if (
            (h === 'menu'
              ? e.menu({ menuItemId: 'something-else' }, { windowId: win.id })
              : e.command('another-command', { windowId: win.id })) !== null
          )
            return 'opened for another id';
          return h === 'menu'
            ? e.menu({ menuItemId: 'hush-open-inbox' }, { windowId: win.id })
            : e.command('open-inbox', { windowId: win.id });
        }, how);
        // Without a user gesture the side panel refuses: the inbox opens as a tab.
        expect(result, how).toBe('tab');
        await until(`inbox tab from the ${how}`, async () => (await pages()) > before);
      }
    },
  );

  it("a revoked token (401, Mastodon's error) offers Connect again in the list and in a send; nothing typed is lost", async () => {
    const revoke = async () => {
      const app = queryDb(a.dbPath, 'SELECT uid, secret FROM oauth_applications')[0] as { uid: string; secret: string };
      for (const t of queryDb(a.dbPath, 'SELECT token FROM oauth_access_tokens WHERE revoked_at IS NULL') as {
        token: string;
      }[]) {
        const r = await fetch(`${a.origin}/oauth/revoke`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: t.token, client_id: app.uid, client_secret: app.secret }),
        });
        expect(r.status).toBe(200);
      }
    };
    await revoke();
    await openList();
    await until('revoked problem', () =>
      inbox.$('[data-testid="inbox-problem"][data-problem="revoked"] [data-testid="reconnect"]'),
    );
    await axeClean(inbox, kind, 'revoked');
    await inbox.click('[data-testid="reconnect"]');
    await consent(br.browser);
    await until('list back', () => inbox.$('[data-testid="conversation"]'));
    // Revoked again while a message is typed: the send says so, Connect again sends it.
    await openChat(convs.carol ?? '');
    const text = `sent after reconnecting ${kind}`;
    await typeDraft(text);
    await revoke();
    await inbox.keyboard.press('Enter');
    const problem = await until(
      'send problem',
      async () => (await textOf(inbox, '[data-testid="send-problem"]')) || null,
    );
    expect(problem).toMatch(/revoked or expired/);
    expect(await draftValue()).toBe(text);
    await inbox.click('[data-testid="send-problem"] [data-testid="reconnect"]');
    await consent(br.browser);
    await sentShown(text);
    expect(allStatusText(a, b)).not.toContain(text);
  });
});
