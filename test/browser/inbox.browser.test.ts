/**
 * Issue #18 acceptance, Chromium and Firefox ESR: the Hush inbox (inbox.html, opened as a tab).
 * alice connects two accounts (alice and carol on a.test) through the instance's real OAuth flow
 * (identity.launchWebAuthFlow, consent page, PKCE); bob connects bob@b.test. Then, with no
 * Mastodon tab open: bob starts a new conversation from account search, alice's list updates
 * live, alice reads it decrypted and replies with Enter, bob reads the reply; lock and unlock in
 * place; a revoked token, an instance that is down and a rate limit each give an error with a
 * retry and lose nothing. After each step the servers' databases hold only ciphertext. axe finds
 * no violation on the list and the chat (light and dark in Chromium, light in Firefox).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { queryDb } from '../instance/web/test-support';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import { ask, enableHush, openAs, verifyContact, type HushUser } from './overlay-support';

const SCOPES = 'read:statuses read:accounts read:search write:statuses write:conversations';

function allStatusText(...instances: Instance[]): string {
  return instances
    .map((i) =>
      queryDb(i.dbPath, 'SELECT * FROM statuses')
        .map((r) => JSON.stringify(r))
        .join('\n'),
    )
    .join('\n');
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Firefox (BiDi) never reports a load for moz-extension pages: reload without awaiting it; callers then wait for content. */
async function reload(page: Page): Promise<void> {
  void page.reload().catch(() => undefined);
  await new Promise((r) => setTimeout(r, 700));
}

const axeSource = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

/** axe on the inbox as it is now: light and dark in Chromium (Firefox cannot emulate the scheme over BiDi). */
async function axeClean(page: Page, kind: string, name: string): Promise<void> {
  for (const scheme of kind === 'chromium' ? (['light', 'dark'] as const) : (['light'] as const)) {
    if (kind === 'chromium') await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run(d: Document): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
        }
      ).axe;
      return (await axe.run(document)).violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
    });
    expect(found, `${name} (${scheme})`).toEqual([]);
  }
}

const textOf = (page: Page, selector: string): Promise<string> =>
  page.evaluate(
    (s: string) => [...document.querySelectorAll(s)].map((e) => (e as HTMLElement).innerText).join('\n'),
    selector,
  );

/** Clicks Connect in the inbox, then Authorize on the instance's consent page in the auth window. */
async function connect(browser: Browser, inbox: Page, instance: string): Promise<void> {
  await inbox.bringToFront();
  await until('add account', () => inbox.$('[data-testid="add-account"], #inbox-instance'));
  await inbox.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="add-account"]')?.click());
  await until('instance field', () => inbox.$('#inbox-instance'));
  await inbox.$eval(
    '#inbox-instance',
    (el, v) => {
      const input = el as HTMLInputElement;
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    instance,
  );
  await inbox.click('[data-testid="inbox-connect"] button.primary');
  const target = await browser.waitForTarget((t) => t.url().includes('/oauth/authorize'), { timeout: 20_000 });
  const auth = await target.page();
  if (!auth) throw new Error('no auth page');
  await until('consent page', () => auth.$('#authorize'));
  await auth.click('#authorize');
}

async function inboxState(u: HushUser): Promise<{ locked: boolean; accounts: { acct: string; connection: string }[] }> {
  return ask(u, 'inbox/state', {});
}

describe.each(browserKinds())('inbox in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let aliceBrowser: LaunchedBrowser;
  let bobBrowser: LaunchedBrowser;
  let alice: HushUser;
  let bob: HushUser;
  let aliceInbox: Page;
  let bobInbox: Page;

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-inbox-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    [aliceBrowser, bobBrowser] = await Promise.all([
      launchBrowser(kind, { extensionDir: testExtensionDir }),
      launchBrowser(kind, { extensionDir: testExtensionDir }),
    ]);
    alice = await openAs(aliceBrowser, a.origin, a.users.alice as { id: string; acct: string }, 'alice');
    bob = await openAs(bobBrowser, b.origin, b.users.bob as { id: string; acct: string }, 'bob');
    await enableHush(alice);
    await enableHush(bob);
    await verifyContact(alice, 'bob@b.test');
    await verifyContact(bob, 'alice@a.test');
  });
  afterAll(async () => {
    await Promise.all([aliceBrowser?.close(), bobBrowser?.close()]);
    await fed?.stop();
  });

  it('connects two accounts through OAuth (consent, PKCE); the token is sealed and never in storage as text', async () => {
    aliceInbox = await aliceBrowser.openExtensionPage('inbox.html');
    await connect(aliceBrowser.browser, aliceInbox, a.origin);
    await until('alice connected', async () =>
      (await inboxState(alice)).accounts.some((x) => x.acct === 'alice@a.test' && x.connection === 'oauth'),
    );
    // A second account of the same browser: carol signs in on a.test, enables Hush, connects.
    const carolUser = a.users.carol as { id: string; acct: string };
    const carol = await openAs(aliceBrowser, a.origin, carolUser, 'carol');
    await enableHush(carol);
    await connect(aliceBrowser.browser, aliceInbox, a.origin);
    await until('carol connected', async () =>
      (await inboxState(alice)).accounts.some((x) => x.acct === 'carol@a.test' && x.connection === 'oauth'),
    );
    const tokens = queryDb(a.dbPath, 'SELECT token, scopes, resource_owner_id, revoked_at FROM oauth_access_tokens');
    expect(tokens.map((t) => t.scopes)).toEqual([SCOPES, SCOPES]);
    expect(new Set(tokens.map((t) => t.resource_owner_id))).toEqual(new Set([a.users.alice?.id, carolUser.id]));
    const grants = queryDb(a.dbPath, 'SELECT code_challenge_method FROM oauth_access_grants');
    expect(grants.every((g) => g.code_challenge_method === 'S256')).toBe(true);
    // The token is only in the background's storage, sealed: no storage area holds it as text.
    const stored = await alice.ext.evaluate(async () => {
      const c = (
        globalThis as unknown as {
          chrome: {
            storage: { local: { get(k: null): Promise<unknown> }; session: { get(k: null): Promise<unknown> } };
          };
        }
      ).chrome;
      return JSON.stringify([await c.storage.local.get(null), await c.storage.session.get(null)]);
    });
    for (const t of tokens) expect(stored).not.toContain(String(t.token));
    await carol.page.close();
    // bob connects too, then every Mastodon tab closes: the inbox needs none.
    bobInbox = await bobBrowser.openExtensionPage('inbox.html');
    await connect(bobBrowser.browser, bobInbox, b.origin);
    await until('bob connected', async () =>
      (await inboxState(bob)).accounts.some((x) => x.acct === 'bob@b.test' && x.connection === 'oauth'),
    );
    await alice.page.close();
    await bob.page.close();
  });

  it('new conversation from account search, live update, read decrypted, reply with Enter; servers hold only ciphertext', async () => {
    await reload(aliceInbox);
    await aliceInbox.waitForSelector('[data-testid="account-select"]');
    await aliceInbox.select('[data-testid="account-select"]', `${a.origin}|${a.users.alice?.id ?? ''}`);
    await until('alice list', () => aliceInbox.$('[data-testid="inbox-empty"], [data-testid="conversation-list"]'));
    // bob: New conversation -> search alice -> only a Hush-ready account can be added.
    await bobInbox.bringToFront();
    await reload(bobInbox);
    await until('bob list', () => bobInbox.$('[data-testid="new-conversation"]'));
    await bobInbox.click('[data-testid="new-conversation"]');
    await bobInbox.type('[data-testid="recipient-search"]', 'alice@a.test');
    await until('ready result', () =>
      bobInbox.$('[data-testid="result"][data-ready="true"] [data-testid="add-recipient"]'),
    );
    await bobInbox.click('[data-testid="add-recipient"]');
    await until('chip', () => bobInbox.$('[data-testid="chip"]'));
    const secret = `inbox secret ${kind} ${Date.now()}`;
    await bobInbox.type('[data-testid="compose-text"]', secret);
    await until('budget', async () => /\d/.test(await textOf(bobInbox, '[data-testid="budget"]')));
    await bobInbox.keyboard.press('Enter');
    // Live: alice's open list shows the conversation without a reload (streaming `direct`).
    const item = await until(
      'conversation in alice inbox',
      async () => {
        const text = await textOf(aliceInbox, '[data-testid="conversation"]');
        return text.includes(secret) ? text : null;
      },
      45_000,
    );
    expect(item).toContain('bob@b.test');
    expect(item).toContain('(verified)');
    await axeClean(aliceInbox, kind, 'list');
    await aliceInbox.click('[data-testid="conversation"]');
    const read = await until('message in chat', async () => {
      const text = await textOf(aliceInbox, '[data-testid="message"][data-kind="hush"]');
      return text.includes(secret) ? text : null;
    });
    expect(read).toMatch(/Verified/);
    await axeClean(aliceInbox, kind, 'chat');
    expect(read).toMatch(/signed /);
    // Reply: Enter sends, Shift+Enter is a new line.
    const reply = `reply line one ${kind}`;
    await aliceInbox.type('[data-testid="compose-text"]', reply);
    await aliceInbox.keyboard.down('Shift');
    await aliceInbox.keyboard.press('Enter');
    await aliceInbox.keyboard.up('Shift');
    await aliceInbox.type('[data-testid="compose-text"]', 'line two');
    await aliceInbox.keyboard.press('Enter');
    await until('reply shown to alice', async () =>
      (await textOf(aliceInbox, '[data-testid="message"]')).includes('line two'),
    );
    // bob's inbox: back to the list, the conversation, the reply with its reply context.
    await reload(bobInbox);
    await until('bob conv', () => bobInbox.$('[data-testid="conversation"]'));
    await bobInbox.click('[data-testid="conversation"]');
    const bobRead = await until('reply in bob chat', async () => {
      const text = await textOf(bobInbox, '[data-testid="message"]');
      return text.includes('line two') ? text : null;
    });
    expect(bobRead).toContain(`${reply}\nline two`);
    expect(bobRead).toContain('In reply to');
    const db = allStatusText(a, b);
    for (const plain of [secret, reply, 'line two']) expect(db).not.toContain(plain);
    expect(db).toContain('[Hush encrypted message]');
  });

  it("review finding 1: the instance puts carol's message into the bob chat's thread; the reply is not encrypted to carol, and not sent at all until the user confirms", async () => {
    // Attack (malicious a.test, alice's own instance): carol sends alice a genuine Hush message; a.test
    // re-parents it under the last status of alice's chat with bob, so /context serves it as the
    // newest message of that chat. The old inbox answered the newest message: the reply went to carol.
    const carolUser = a.users.carol as { id: string; acct: string };
    const carolRef = { origin: a.origin, accountId: carolUser.id };
    const aliceId = a.users.alice?.id ?? '';
    await ask(alice, 'inbox/draft-set', {
      account: carolRef,
      key: 'new',
      text: `carol to alice ${kind}`,
      recipients: ['alice@a.test'],
      replyToStatusId: null,
    });
    expect((await ask<{ phase: string }>(alice, 'inbox/send', { account: carolRef, key: 'new' })).phase).toBe('sent');
    const carolStatus = queryDb(
      a.dbPath,
      'SELECT id FROM statuses WHERE account_id = ? ORDER BY created_at DESC LIMIT 1',
      [carolUser.id],
    )[0] as { id: string };
    const bobChatLast = queryDb(
      a.dbPath,
      'SELECT id FROM statuses WHERE account_id = ? ORDER BY created_at DESC LIMIT 1',
      [aliceId],
    )[0] as { id: string };
    await a.adversary.patchStatus(carolStatus.id, { inReplyToId: bobChatLast.id });
    try {
      await aliceInbox.bringToFront();
      await reload(aliceInbox);
      await aliceInbox.waitForSelector('[data-testid="account-select"]');
      await aliceInbox.select('[data-testid="account-select"]', `${a.origin}|${aliceId}`);
      const bobConv = await until('bob conversation', async () => {
        for (const el of await aliceInbox.$$('[data-testid="conversation"]'))
          if ((await el.evaluate((e) => (e as HTMLElement).innerText)).includes('bob@b.test')) return el;
        return null;
      });
      await bobConv.click();
      await until("carol's message in the bob chat", async () =>
        (await textOf(aliceInbox, '[data-testid="message"]')).includes(`carol to alice ${kind}`),
      );
      // The composer names its recipients (bob only, with his state) and the difference, and blocks Send.
      const notice = await until(
        'difference notice',
        async () => (await textOf(aliceInbox, '[data-testid="reply-difference"]')) || null,
      );
      expect(notice).toContain('@carol@a.test');
      expect(await textOf(aliceInbox, '[data-testid="composer-recipients"]')).toMatch(/@bob@b\.test\s*\(verified\)/i);
      const sendButton = await aliceInbox.$eval('[data-testid="send"]', (b) => ({
        text: (b as HTMLButtonElement).innerText,
        disabled: (b as HTMLButtonElement).disabled,
      }));
      expect(sendButton.text).toContain('@bob@b.test');
      expect(sendButton.text).not.toContain('carol');
      const before = queryDb(a.dbPath, 'SELECT id FROM statuses WHERE account_id = ?', [aliceId]).length;
      const reply = `reply for bob only ${kind}`;
      await aliceInbox.type('[data-testid="compose-text"]', reply);
      await aliceInbox.keyboard.press('Enter');
      await until(
        'unconfirmed problem',
        async () => (await textOf(aliceInbox, '[data-testid="send-problem"]')) || null,
      );
      expect(queryDb(a.dbPath, 'SELECT id FROM statuses WHERE account_id = ?', [aliceId]).length).toBe(before);
      // Confirmed: sent, to bob only (its mentions, which the send path requires to equal the encryption's recipients).
      await aliceInbox.click('[data-testid="confirm-recipients"]');
      await until('confirmed', () => aliceInbox.$('[data-testid="reply-difference"][data-confirmed="true"]'));
      await until('send enabled', () =>
        aliceInbox.$eval('[data-testid="send"]', (b) => !(b as HTMLButtonElement).disabled),
      );
      await aliceInbox.click('[data-testid="send"]');
      const sent = await until('reply stored', () => {
        const rows = queryDb(a.dbPath, 'SELECT id, text FROM statuses WHERE account_id = ? ORDER BY created_at DESC', [
          aliceId,
        ]);
        return Promise.resolve(rows.length > before ? (rows[0] as { id: string; text: string }) : null);
      });
      const mentioned = queryDb(
        a.dbPath,
        'SELECT a.username, a.domain FROM mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id = ?',
        [sent.id],
      ).map((r) => `${r.username as string}@${(r.domain as string | null) ?? 'a.test'}`);
      expect(mentioned).toEqual(['bob@b.test']);
      // Linked to nothing: not filed under the injected message (its conversation) by the server either.
      expect(
        queryDb(a.dbPath, 'SELECT in_reply_to_id FROM statuses WHERE id = ?', [sent.id])[0]?.in_reply_to_id,
      ).toBeNull();
      expect(sent.text).not.toContain('carol');
      expect(allStatusText(a, b)).not.toContain(reply);
    } finally {
      await a.adversary.patchStatus(carolStatus.id, { inReplyToId: null });
    }
  });

  it('lock and unlock in place; revoked token and instance down / rate limited give an error with a retry, and nothing is lost', async () => {
    const account = { origin: a.origin, accountId: a.users.alice?.id ?? '' };
    // Lock: the inbox shows the lock state and unlocks in place.
    expect(
      (
        await ask<{ result: string }>(alice, 'keys/passphrase-set', {
          passphrase: 'correct horse battery staple inbox',
          current: null,
        })
      ).result,
    ).toBe('ok');
    await ask(alice, 'keys/lock', {});
    await aliceInbox.bringToFront();
    await reload(aliceInbox);
    await until('locked view', () => aliceInbox.$('[data-testid="inbox-locked"]'));
    await aliceInbox.type('#unlock-pass', 'correct horse battery staple inbox');
    await aliceInbox.click('[data-testid="unlock-form"] button.primary');
    await until('list after unlock', () => aliceInbox.$('[data-testid="conversation"]'));

    // Instance down while sending: the draft stays, the error says so, Retry sends it.
    await aliceInbox.click('[data-testid="conversation"]');
    await until('chat', () => aliceInbox.$('[data-testid="message"][data-kind="hush"]'));
    await a.adversary.setNetworkBehaviour('/api/v1/statuses', 'down');
    const kept = `kept while down ${kind}`;
    await aliceInbox.type('[data-testid="compose-text"]', kept);
    await aliceInbox.keyboard.press('Enter');
    const problem = await until(
      'send problem',
      async () => (await textOf(aliceInbox, '[data-testid="send-problem"]')) || null,
    );
    expect(problem).toMatch(/could not be reached|refused/);
    expect(await aliceInbox.$eval('[data-testid="compose-text"]', (el) => (el as HTMLTextAreaElement).value)).toBe(
      kept,
    );
    await a.adversary.setNetworkBehaviour('/api/v1/statuses', 'normal');
    await aliceInbox.click('[data-testid="send-retry"]');
    await until('sent after retry', async () => (await textOf(aliceInbox, '[data-testid="message"]')).includes(kept));

    // Rate limited list: the reset time is shown with a retry.
    await a.adversary.setNetworkBehaviour('/api/v1/conversations', { rateLimited: true, resetInSeconds: 120 });
    const limited = await ask<{ result: string; retryAt?: number }>(alice, 'inbox/conversations', {
      account,
      cursor: null,
    });
    expect(limited.result).toBe('rate_limited');
    expect(limited.retryAt).toBeGreaterThan(Date.now() + 60_000);
    await reload(aliceInbox);
    await until('rate-limit problem', () => aliceInbox.$('[data-testid="inbox-problem"][data-problem="rate_limited"]'));
    await a.adversary.setNetworkBehaviour('/api/v1/conversations', 'down');
    await aliceInbox.click('[data-testid="inbox-problem"] button');
    await until('down problem', () => aliceInbox.$('[data-testid="inbox-problem"][data-problem="network"]'));
    await a.adversary.setNetworkBehaviour('/api/v1/conversations', 'normal');
    await aliceInbox.click('[data-testid="inbox-problem"] button');
    await until('list back', () => aliceInbox.$('[data-testid="conversation"]'));

    // A token revoked at the instance: 'revoked', with the way back (connect again).
    const app = queryDb(a.dbPath, 'SELECT uid, secret FROM oauth_applications')[0] as { uid: string; secret: string };
    const tok = queryDb(a.dbPath, 'SELECT token FROM oauth_access_tokens WHERE resource_owner_id = ?', [
      account.accountId,
    ])[0] as { token: string };
    const r = await fetch(`${a.origin}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: tok.token, client_id: app.uid, client_secret: app.secret }),
    });
    expect(r.status).toBe(200);
    expect((await ask<{ result: string }>(alice, 'inbox/conversations', { account, cursor: null })).result).toBe(
      'revoked',
    );
    // The popup revokes bob's own connection (POST /oauth/revoke from the background).
    const popup = await bobBrowser.openExtensionPage('popup.html');
    await until('revoke button', () => popup.$('[data-testid="inbox-revoke"]'));
    await popup.bringToFront();
    await popup.click('[data-testid="inbox-revoke"]');
    await until('bob revoked', () =>
      Promise.resolve(
        queryDb(b.dbPath, 'SELECT revoked_at FROM oauth_access_tokens').every((x) => x.revoked_at !== null),
      ),
    );
    // The instance records the revocation before the background forgets the connection: waited for.
    await until(
      'bob disconnected',
      async () => (await inboxState(bob)).accounts.find((x) => x.acct === 'bob@b.test')?.connection === 'none',
    );
    expect(allStatusText(a, b)).not.toContain(kept);
  });
});
