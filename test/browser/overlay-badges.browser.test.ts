/**
 * Issue #16 items 1 and 2, as a user meets them in Mastodon's advanced layout: one genuine
 * message shown at once in Home, Notifications and Private mentions gets the same correct badge
 * in every column and no replay flag; the badge follows the contact's state now (verifying the
 * sender after the message is shown, accepting the sender's new key), at once and after a reload.
 * alice is a Node party (keys published, posts through the REST API); bob reads in a browser.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { encryptTo, nodeParty, postThread, publishedKey, type NodeParty } from '../adversarial/node-party';
import { extensionCopy } from '../adversarial/support';
import { browserKinds, launchBrowser, type LaunchedBrowser } from './launch';
import { ask, enableHush, openAs, shownMessages, verifyContact, type HushUser } from './overlay-support';

type Shown = Awaited<ReturnType<typeof shownMessages>>[number];

/** Waits until `count` views show `text` and `ok` holds for all of them; returns them. */
async function viewsOf(
  page: Page,
  text: string,
  count: number,
  ok: (m: Shown[]) => boolean,
  timeoutMs = 45_000,
): Promise<Shown[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await shownMessages(page);
    const mine = all.filter((m) => m.text.includes(text));
    if (mine.length === count && ok(mine)) return mine;
    if (Date.now() > deadline) throw new Error(`wanted ${count} views of "${text}": ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Which column each view of a status is in (by the column's label). */
const columnsOf = (page: Page): Promise<string[]> =>
  page.$$eval('.hush-view', (hosts) => hosts.map((h) => h.closest('.column')?.getAttribute('aria-label') ?? '?'));

describe.each(browserKinds())(
  'one message, one answer: badges in every column of the advanced layout in %s',
  (kind) => {
    let fed: Federation;
    let a: Instance;
    let b: Instance;
    let browser: LaunchedBrowser;
    let bob: HushUser;
    let alice: NodeParty;
    const secret = `three columns, one message ${kind}`;

    beforeAll(async () => {
      fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-badges-')) });
      a = fed.instances['a.test'] as Instance;
      b = fed.instances['b.test'] as Instance;
      alice = await nodeParty(a, 'alice');
      browser = await launchBrowser(kind, { extensionDir: extensionCopy() });
      const bobUser = b.users.bob;
      if (!bobUser) throw new Error('federation users missing');
      bob = await openAs(browser, b.origin, bobUser, 'bob');
      await enableHush(bob);
      await b.adversary.setAdvancedLayout('bob', true);
      const bobKey = await publishedKey(b, 'bob');
      await postThread(alice, encryptTo(alice, [{ acct: 'bob@b.test', key: bobKey }], secret));
    });
    afterAll(async () => {
      await browser?.close();
      await fed?.stop();
    });

    it('Home, Notifications and Private mentions show the genuine message with the same badge, and no replay flag', async () => {
      await bob.page.goto(`${b.origin}/deck/conversations`);
      await bob.page.waitForSelector('body.layout-multiple-columns .column[aria-label="Private mentions"]');
      // bob has not verified alice: "not verified" in every place, never "cannot decrypt" or "replayed".
      const views = await viewsOf(bob.page, secret, 3, (m) => m.every((x) => x.badge !== ''));
      expect(views.map((v) => v.badge)).toEqual(['unverified', 'unverified', 'unverified']);
      expect(views.flatMap((v) => v.flags)).toEqual([]);
      expect((await columnsOf(bob.page)).sort()).toEqual(['Home', 'Notifications', 'Private mentions']);
      // Two views of the status itself, one of the DM-column entry.
      expect(new Set(views.filter((v) => !v.statusId.startsWith('c')).map((v) => v.statusId)).size).toBe(1);
    });

    it('verifying the sender after the message is shown turns every view verified at once, and after a reload', async () => {
      await verifyContact(bob, alice.acct);
      const now = await viewsOf(bob.page, secret, 3, (m) => m.every((x) => x.badge === 'verified'));
      expect(now.flatMap((v) => v.flags)).toEqual([]);
      await bob.page.reload();
      const again = await viewsOf(bob.page, secret, 3, (m) => m.every((x) => x.badge !== ''));
      expect(again.map((v) => v.badge)).toEqual(['verified', 'verified', 'verified']);
      expect(again.flatMap((v) => v.flags)).toEqual([]);
    });

    it("the sender's new key, once accepted, marks the message signed with the old key in every view, at once and after a reload", async () => {
      const account = { origin: bob.origin, accountId: bob.accountId };
      alice = await nodeParty(a, 'alice'); // a new identity, published on alice's profile
      const seen = await ask<{ result: string; keyChange?: { newFingerprint: string } | null }>(bob, 'keys/contact', {
        account,
        acct: alice.acct,
        refresh: true,
      });
      const newFingerprint = seen.keyChange?.newFingerprint;
      if (newFingerprint === undefined) throw new Error(`no key change seen: ${JSON.stringify(seen)}`);
      const accepted = await ask<{ result: string }>(bob, 'keys/key-change-resolve', {
        account,
        acct: alice.acct,
        accept: true,
        newFingerprint,
      });
      expect(accepted.result).not.toBe('error');
      await viewsOf(bob.page, secret, 3, (m) => m.every((x) => x.badge === 'key_changed'));
      await bob.page.reload();
      const again = await viewsOf(bob.page, secret, 3, (m) => m.every((x) => x.badge !== ''));
      expect(again.map((v) => v.badge)).toEqual(['key_changed', 'key_changed', 'key_changed']);
      expect(again.flatMap((v) => v.flags)).toEqual([]);
    });
  },
);
