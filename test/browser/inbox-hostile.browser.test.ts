/**
 * Issue #18, the inbox against a lying instance (Chromium and Firefox ESR). The instance operator
 * controls /api/v1/conversations and every status it returns; the inbox must never show a forged
 * "verified", never put a message under someone it does not come from, fetch pages only from the
 * account's own instance, and stay bounded. Each case plays the lie with the test instance's
 * adversary (`rewriteAccount`, or `setNetworkBehaviour(path, {respond})`: a forged answer built
 * from the real one). The other parties are Node parties (test/adversarial/node-party.ts) posting
 * real Hush messages over the API; alice reads in a real browser, with her Mastodon tab's token.
 * Last, the "listing gap": Hush conversations behind a page of plain ones, or whose newest status
 * is plain, still appear on first open.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { api, encryptTo, nodeParty, postThread, publishedKey, type NodeParty } from '../adversarial/node-party';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import { ask, enableHush, openAs, verifyContact, type HushUser } from './overlay-support';
import { encodeRevocation, PROFILE_FIELD_NAME } from '../../src/protocol/index';
import { listItems, reload, textOf, until } from './inbox-support';

interface ConvJson {
  id: string;
  accounts: { id: string; acct: string }[];
  last_status: { id: string; account: Record<string, unknown> } & Record<string, unknown>;
}

describe.each(browserKinds())('inbox against a lying instance in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let br: LaunchedBrowser;
  let alice: HushUser;
  let inbox: Page;
  let bob: NodeParty;
  let carol: NodeParty;
  let dave: NodeParty;
  let aliceKey: Awaited<ReturnType<typeof publishedKey>>;
  const secrets = {
    bob: `from bob ${kind} ${Date.now().toString(36)}`,
    carol: `from carol ${kind}`,
    dave: `from dave ${kind}`,
  };
  const ids: Record<string, string> = {};

  const conversations = (): Promise<ConvJson[]> => api<ConvJson[]>(a, 'alice', 'GET', '/api/v1/conversations?limit=40');
  const convOf = async (statusId: string): Promise<ConvJson> => {
    const c = (await conversations()).find((x) => x.last_status.id === statusId);
    if (!c) throw new Error(`no conversation for ${statusId}`);
    return c;
  };
  async function sendTo(from: NodeParty, text: string): Promise<string> {
    const posted = await postThread(from, encryptTo(from, [{ acct: 'alice@a.test', key: aliceKey }], text));
    await b.deliveriesSettled();
    // alice's instance's id of the (last) status.
    const local = (await conversations()).find(
      (c) => c.last_status.account.acct === (from.inst === a ? from.username : from.acct),
    );
    if (!local || posted.length === 0) throw new Error('not delivered');
    return local.last_status.id;
  }
  async function openList(): Promise<string[]> {
    await inbox.bringToFront();
    await reload(inbox);
    await until('list', () => inbox.$('[data-testid="conversation-list"], [data-testid="inbox-problem"]'));
    return listItems(inbox);
  }
  /** Requests made with alice's token to a path (her open tab is on /home, which asks for neither path these tests count). */
  const fromExtension = async (inst: Instance, path: string) =>
    (await inst.adversary.requestLog()).filter((r) => r.account === 'alice' && r.path.startsWith(path));

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-inbox-hostile-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    br = await launchBrowser(kind, { extensionDir: testExtensionDir });
    alice = await openAs(br, a.origin, a.users.alice as { id: string; acct: string }, 'alice');
    await enableHush(alice);
    [bob, carol, dave] = await Promise.all([nodeParty(b, 'bob'), nodeParty(a, 'carol'), nodeParty(b, 'dave')]);
    aliceKey = await publishedKey(a, 'alice');
    await verifyContact(alice, 'bob@b.test');
    ids.bob = await sendTo(bob, secrets.bob);
    ids.carol = await sendTo(carol, secrets.carol);
    inbox = await br.openExtensionPage('inbox.html');
  });
  afterAll(async () => {
    await br?.close();
    await fed?.stop();
  });

  it("a conversation listing verified bob with carol's message (another conversation's last_status) shows carol, once, never bob's verified state", async () => {
    const honest = await openList();
    expect(honest.find((t) => t.includes(secrets.bob))).toContain('(verified)');
    const bobConv = await convOf(ids.bob ?? '');
    const carolConv = await convOf(ids.carol ?? '');
    await a.adversary.setNetworkBehaviour('/api/v1/conversations', {
      respond: { status: 200, body: [{ ...bobConv, last_status: carolConv.last_status }, carolConv] },
    });
    try {
      const items = await openList();
      const withCarol = items.filter((t) => t.includes(secrets.carol));
      expect(withCarol).toHaveLength(1);
      expect(withCarol[0]).toContain('carol@a.test');
      expect(withCarol[0]).not.toContain('bob@b.test');
      expect(items.join('\n')).not.toContain('(verified)');
    } finally {
      await a.adversary.setNetworkBehaviour('/api/v1/conversations', 'normal');
    }
  });

  it("an account whose acct and uri are swapped to bob's: dave's signed message stays dave's, never beside bob's verified state", async () => {
    const bobUri = (await api<{ uri: string }>(b, 'bob', 'GET', '/api/v1/accounts/verify_credentials')).uri;
    ids.dave = await sendTo(dave, secrets.dave);
    await a.adversary.rewriteAccount('dave@b.test', {
      acct: 'bob@b.test',
      username: 'bob',
      uri: bobUri,
      url: `${b.origin}/@bob`,
    });
    try {
      const items = await openList();
      const forged = items.filter((t) => !t.includes(secrets.bob) && !t.includes(secrets.carol));
      expect(forged).toHaveLength(1);
      // Either it reads (then it is the signer's, dave's) or it does not (then nobody is confirmed).
      expect(forged[0]).not.toContain('(verified)');
      if (forged[0]?.includes(secrets.dave)) {
        expect(forged[0]).toContain('dave@b.test');
        expect(forged[0]).not.toContain('bob@b.test');
      } else expect(forged[0]).toContain('(unconfirmed)');
      // The chat: never bob's name or verified badge on it.
      const forgedId = await inbox.$$eval(
        '[data-testid="conversation"]',
        (els, s) =>
          els.find((e) => !s.some((x) => (e as HTMLElement).innerText.includes(x)))?.getAttribute('data-id') ?? '',
        [secrets.bob, secrets.carol],
      );
      await inbox.click(`[data-testid="conversation"][data-id="${forgedId}"]`);
      await until('message', () => inbox.$('[data-testid="message"]'));
      const chat = await textOf(inbox, '[data-testid="chat-log"]');
      expect(chat).not.toMatch(/Verified/);
      if (chat.includes(secrets.dave)) expect(chat).not.toContain('bob@b.test');
    } finally {
      await a.adversary.rewriteAccount('dave@b.test', null);
    }
  });

  it("a status claiming alice's own account id for carol's signed message is shown as carol's, not as the user's", async () => {
    const carolConv = await convOf(ids.carol ?? '');
    const aliceAccount = await api<Record<string, unknown>>(a, 'alice', 'GET', '/api/v1/accounts/verify_credentials');
    const forged = { ...carolConv.last_status, account: { ...carolConv.last_status.account, id: aliceAccount.id } };
    const path = `/api/v1/statuses/${ids.carol ?? ''}`;
    await a.adversary.setNetworkBehaviour(path, { respond: { status: 200, body: forged } });
    await a.adversary.setNetworkBehaviour(`${path}/context`, {
      respond: { status: 200, body: { ancestors: [], descendants: [] } },
    });
    try {
      await openList();
      await inbox.click(`[data-testid="conversation"][data-id="${carolConv.id}"]`);
      const chat = await until('carol message', async () => {
        const t = await textOf(inbox, '[data-testid="chat-log"]');
        return t.includes(secrets.carol) ? t : null;
      });
      expect(await textOf(inbox, '[data-testid="chat-log"] .group.mine')).toBe('');
      expect(chat).toContain('@carol@a.test');
    } finally {
      await a.adversary.setNetworkBehaviour(path, 'normal');
      await a.adversary.setNetworkBehaviour(`${path}/context`, 'normal');
    }
  });

  it('a Link header naming another host is never followed; a page that points at itself stops; pages come only from the own instance', async () => {
    let evilHits = 0;
    const evil: Server = createServer((req, res) => {
      evilHits++;
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
      res.end('[]');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    const port = (evil.address() as { port: number }).port;
    const plain = { id: '1', unread: false, accounts: [], last_status: null };
    try {
      await a.adversary.clearRequestLog();
      await a.adversary.setNetworkBehaviour('/api/v1/conversations', {
        respond: {
          status: 200,
          body: [plain],
          headers: { link: `<http://127.0.0.1:${port}/api/v1/conversations?max_id=777>; rel="next"` },
        },
      });
      const items = await openList();
      expect(items).toEqual([]);
      expect(evilHits).toBe(0);
      // The next page is asked of alice's instance, once per listing: the page naming itself again ends it.
      await new Promise((r) => setTimeout(r, 1500)); // the live stream's first notice lists once more
      const asked = await fromExtension(a, '/api/v1/conversations');
      const firsts = asked.filter((r) => !r.query.includes('max_id')).length;
      expect(firsts).toBeGreaterThan(0);
      expect(asked.filter((r) => r.query.includes('max_id=777'))).toHaveLength(firsts);
      expect(asked).toHaveLength(2 * firsts);
    } finally {
      await a.adversary.setNetworkBehaviour('/api/v1/conversations', 'normal');
      evil.close();
    }
  });

  it('a huge or oversized page gives an error with a retry, and the list comes back', async () => {
    const one = await convOf(ids.bob ?? '');
    try {
      await a.adversary.setNetworkBehaviour('/api/v1/conversations', { hugeBytes: 8_000_000 });
      await openList();
      await until('problem', () => inbox.$('[data-testid="inbox-problem"][data-problem="network"]'));
      // 200 conversations where 40 were asked for: refused as a whole, nothing rendered.
      await a.adversary.setNetworkBehaviour('/api/v1/conversations', {
        respond: { status: 200, body: Array.from({ length: 200 }, (_, i) => ({ ...one, id: String(10_000 + i) })) },
      });
      await inbox.click('[data-testid="inbox-problem"] button');
      await new Promise((r) => setTimeout(r, 1500));
      await until('problem again', () => inbox.$('[data-testid="inbox-problem"][data-problem="network"]'));
      expect(await inbox.$$('[data-testid="conversation"]')).toHaveLength(0);
    } finally {
      await a.adversary.setNetworkBehaviour('/api/v1/conversations', 'normal');
    }
    await inbox.click('[data-testid="inbox-problem"] button');
    await until('list back', async () => (await listItems(inbox)).some((t) => t.includes(secrets.bob)));
  });

  it('the listing gap: a Hush conversation behind a page of plain ones, and one whose newest status is plain, appear on first open', async () => {
    const early = `early hush ${kind}`;
    await sendTo(dave, early);
    // 45 plain conversations (carol, local), newer than it: it is not on the first page.
    for (let i = 0; i < 45; i++)
      await api(a, 'carol', 'POST', '/api/v1/statuses', { status: `@alice plain ${i}`, visibility: 'direct' });
    // Newest: a Hush message from dave answered in plain in the same thread.
    const late = `late hush ${kind}`;
    const parts = await postThread(dave, encryptTo(dave, [{ acct: 'alice@a.test', key: aliceKey }], late));
    await api(b, 'dave', 'POST', '/api/v1/statuses', {
      status: '@alice@a.test plain answer in the thread',
      visibility: 'direct',
      in_reply_to_id: parts.at(-1),
    });
    await b.deliveriesSettled();
    await new Promise((r) => setTimeout(r, 2000)); // the open inbox's live reloads of these arrivals end
    await a.adversary.clearRequestLog();
    const items = await openList();
    expect(items.some((t) => t.includes(early))).toBe(true);
    const plainLast = items.find((t) => t.includes('plain answer in the thread'));
    expect(plainLast).toMatch(/Not encrypted/);
    // Bounded: per listing (the page's own, and the live stream's on connecting) at most 5 pages
    // and 20 plain threads looked through.
    await new Promise((r) => setTimeout(r, 1500));
    const pages = await fromExtension(a, '/api/v1/conversations');
    const listings = pages.filter((r) => !r.query.includes('max_id')).length;
    expect(listings).toBeGreaterThan(0);
    expect(listings).toBeLessThanOrEqual(3);
    expect(pages.length).toBeLessThanOrEqual(5 * listings);
    expect((await fromExtension(a, '/api/v1/statuses')).length).toBeLessThanOrEqual(20 * listings);
    // The chat of the plain-last conversation shows the Hush message and the plain answer, marked.
    await inbox.evaluate(
      (s) =>
        [...document.querySelectorAll<HTMLButtonElement>('[data-testid="conversation"]')]
          .find((e) => e.innerText.includes(s))
          ?.click(),
      'plain answer in the thread',
    );
    await until('late message', async () =>
      (await textOf(inbox, '[data-testid="message"][data-kind="hush"]')).includes(late),
    );
    expect(await textOf(inbox, '[data-testid="message"][data-kind="plain"]')).toMatch(
      /Not encrypted[\s\S]*plain answer in the thread/,
    );
  });

  // Last: carol's key stays revoked for the rest of this browser's run.
  it("a revocation learned while the chat is open hides the text at once, with no word from the instance's stream", async () => {
    const account = { origin: alice.origin, accountId: alice.accountId };
    const met = await ask<{ contact?: { state: string } }>(alice, 'keys/contact', {
      account,
      acct: 'carol@a.test',
      refresh: true,
    });
    expect(met.contact?.state, JSON.stringify(met)).toBe('ready');
    const text = `before the revocation ${kind} ${Date.now().toString(36)}`;
    const [posted = ''] = await postThread(carol, encryptTo(carol, [{ acct: 'alice@a.test', key: aliceKey }], text));
    const conv = await convOf(posted);
    await openList();
    const row = `[data-testid="conversation"][data-id="${conv.id}"]`;
    await until('the message in the list', async () => (await textOf(inbox, row)).includes(text));
    await inbox.click(row);
    await until('the message in the chat', async () =>
      (await textOf(inbox, '[data-testid="chat-log"]')).includes(text),
    );
    // carol's key is revoked as compromised, and alice's Hush learns it elsewhere (a lookup, as the
    // popup or a view in a tab makes); the instance streams nothing about it.
    await a.adversary.setLocalField(
      'carol',
      PROFILE_FIELD_NAME,
      encodeRevocation(carol.identity, Math.floor(Date.now() / 1000), 'compromised'),
    );
    const revoked = await ask<{ contact?: { state: string } }>(alice, 'keys/contact', {
      account,
      acct: 'carol@a.test',
      refresh: true,
    });
    expect(revoked.contact?.state, JSON.stringify(revoked)).toBe('revoked');
    const chat = await until('the chat redrawn with the verdict', async () => {
      const t = await textOf(inbox, '[data-testid="chat-log"]');
      return /REVOKED/.test(t) ? t : null;
    });
    expect(chat).not.toContain(text);
  });

  it('a message signed with a key revoked as compromised: the list shows the warning, never the text; the chat shows it only on "Show the text anyway"', async () => {
    const account = { origin: alice.origin, accountId: alice.accountId };
    // alice knows carol (pinned now, if no earlier case did; revoked already on a retry).
    const met = await ask<{ contact?: { state: string } }>(alice, 'keys/contact', {
      account,
      acct: 'carol@a.test',
      refresh: true,
    });
    expect(['ready', 'revoked'], JSON.stringify(met)).toContain(met.contact?.state);
    const now = Math.floor(Date.now() / 1000);
    await a.adversary.setLocalField('carol', PROFILE_FIELD_NAME, encodeRevocation(carol.identity, now, 'compromised'));
    const revoked = await ask<{ contact?: { state: string } }>(alice, 'keys/contact', {
      account,
      acct: 'carol@a.test',
      refresh: true,
    });
    expect(revoked.contact?.state, JSON.stringify(revoked)).toBe('revoked');
    // The thief posts as carol with the stolen key, dated before the revocation.
    const thief = `from the thief ${kind} ${Date.now().toString(36)}`;
    // carol is on alice's instance: the id she posts under is the one alice's instance lists.
    const [posted = ''] = await postThread(
      carol,
      encryptTo(carol, [{ acct: 'alice@a.test', key: aliceKey }], thief, { nowSec: now - 60 }),
    );
    const conv = await convOf(posted);
    await openList();
    const row = `[data-testid="conversation"][data-id="${conv.id}"]`;
    // The row once it shows this message (its text, or the warning in its place).
    const preview = await until('the new last message in the list', async () => {
      const t = await textOf(inbox, row);
      return t.includes(thief) || /REVOKED/.test(t) ? t : null;
    });
    expect(preview).not.toContain(thief);
    expect(preview).toContain('signed with a REVOKED key: not authentic');
    expect(await inbox.$eval(`${row} .preview`, (e) => e.getAttribute('data-preview'))).toBe('hidden');
    // The chat: the verdict and the view frame's control, the text only after the choice.
    await inbox.click(row);
    const chat = await until('the message in the chat', async () => {
      const t = await textOf(inbox, '[data-testid="chat-log"]');
      return t.includes(thief) || t.includes('Show the text anyway') ? t : null;
    });
    expect(chat).not.toContain(thief);
    expect(chat).toContain('signed with a REVOKED key: not authentic');
    // Any earlier message carol signed with that key (if the instance threads it here): hidden too.
    expect(chat).not.toContain(secrets.carol);
    const reveals = await inbox.$$('[data-testid="message"][data-trust="revoked"] [data-testid="reveal"]');
    expect(reveals.length).toBeGreaterThan(0);
    for (const b of reveals) {
      expect(await b.evaluate((e) => (e as HTMLElement).innerText)).toBe('Show the text anyway (not authentic)');
      await b.click();
    }
    await until('the text after the choice', async () =>
      (await textOf(inbox, '[data-testid="chat-log"]')).includes(thief),
    );
  });
});
