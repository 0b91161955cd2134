/**
 * Issue #18, the chat's incremental loading (Chromium and Firefox ESR): a chat opens with its first
 * screen (the newest 12 messages, verified and decrypted first), then the rest of its first page
 * comes in a batch of 18 added above, then each "Older" adds 18 more. bob reads a 56-message group
 * chat with alice (verified by bob) and carol (not), each message answering the one before, one
 * plain DM among them. Asserted: every batch the page drew kept the order (each drawn list is a
 * contiguous, ordered run of the thread ending with the newest message, the first one exactly the
 * newest 12); each message shows its own sender's badge; the log stays at the end while the rest of
 * the first page arrives; an older batch keeps in place the message the user was looking at; the
 * whole thread ends up shown once, in order.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, inspectChunk } from '../../src/protocol/index';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { api, encryptTo, nodeParty, postThread, publishedKey, type NodeParty } from '../adversarial/node-party';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import { ask, enableHush, openAs, verifyContact, type HushUser } from './overlay-support';

const MESSAGES = 56;
/** The plain DM among them (by index). */
const PLAIN_AT = 20;

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
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Clicks Connect in the inbox, then Authorize on the instance's consent page (as inbox.browser.test.ts). */
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

/** The text of message `i`: its number in the thread is readable in it. */
const textOf = (i: number): string => `batch message number ${i} of the chat #${i}#`;

interface Shown {
  /** The thread index of each message shown, top to bottom (from "#i#" in its text). */
  readonly order: number[];
  /** Per shown Hush message: its index, the group's sender line, its badge classes. */
  readonly badges: { i: number; sender: string; badge: string }[];
  readonly atEnd: boolean;
}

const shown = (page: Page): Promise<Shown> =>
  page.evaluate(() => {
    const log = document.querySelector('[data-testid="chat-log"]') as HTMLElement;
    // The message's own text (its reply context quotes the one it answers).
    const index = (el: Element): number =>
      Number(/#(\d+)#/.exec(el.querySelector('.text')?.textContent ?? '')?.[1] ?? -1);
    const msgs = [...log.querySelectorAll('[data-testid="message"]')];
    return {
      order: msgs.map(index),
      badges: msgs
        .filter((m) => m.getAttribute('data-kind') === 'hush')
        .map((m) => ({
          i: index(m),
          sender: m.closest('.group')?.querySelector('.sender')?.textContent ?? '',
          badge: m.querySelector('.badge')?.getAttribute('class') ?? '',
        })),
      atEnd: log.scrollTop + log.clientHeight >= log.scrollHeight - 2,
    };
  });

describe.each(browserKinds())('inbox chat loaded in batches in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let browser: LaunchedBrowser;
  let bob: HushUser;
  let inbox: Page;

  beforeAll(async () => {
    fed = await startFederation({
      dataDir: mkdtempSync(join(tmpdir(), 'hush-inbox-batches-')),
      instances: [
        { domain: 'a.test', users: ['alice', 'carol'] },
        { domain: 'b.test', users: ['bob'] },
      ],
    });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    browser = await launchBrowser(kind, { extensionDir: testExtensionDir });
    bob = await openAs(browser, b.origin, b.users.bob as { id: string; acct: string }, 'bob');
    await enableHush(bob);
    await bob.page.close();
    // The chat: alice and carol take turns (runs of one to three), each message answering the one
    // before (a signed reply), one plain DM among them.
    await init();
    const [alice, carol] = await Promise.all([nodeParty(a, 'alice'), nodeParty(a, 'carol')]);
    const bobKey = { acct: 'bob@b.test', key: await publishedKey(b, 'bob@b.test') };
    let prev: { id: string; messageId: Uint8Array | null } | null = null;
    for (let i = 0; i < MESSAGES; i++) {
      const from: NodeParty = Math.floor(i / 2) % 2 === 0 || i % 7 === 0 ? alice : carol;
      const other = from === alice ? carol : alice;
      if (i === PLAIN_AT) {
        const s: { id: string } = await api<{ id: string }>(a, from.username, 'POST', '/api/v1/statuses', {
          status: `@bob@b.test @${other.acct} (not encrypted) ${textOf(i)}`,
          visibility: 'direct',
          in_reply_to_id: prev?.id,
        });
        prev = { id: s.id, messageId: null };
        continue;
      }
      const statuses = encryptTo(from, [bobKey, { acct: other.acct, key: other.key }], textOf(i), {
        ...(prev?.messageId ? { replyTo: prev.messageId } : {}),
      });
      const info = inspectChunk(statuses[0] ?? '');
      if (!info.ok) throw new Error('unparsable status');
      const ids = await postThread(from, statuses, prev?.id);
      prev = { id: ids.at(-1) ?? '', messageId: info.value.messageId };
    }
    await Promise.all([a.deliveriesSettled(), b.deliveriesSettled()]);
    inbox = await browser.openExtensionPage('inbox.html');
    await inbox.setViewport({ width: 420, height: 900 });
    await connect(browser.browser, inbox, b.origin);
    await until('bob connected', async () =>
      (await ask<{ accounts: { acct: string; connection: string }[] }>(bob, 'inbox/state', {})).accounts.some(
        (x) => x.acct === 'bob@b.test' && x.connection === 'oauth',
      ),
    );
    await verifyContact(bob, 'alice@a.test');
    await bob.ext.close();
    await inbox.bringToFront();
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.stop();
  });

  it('draws the newest 12 first, then the rest of the page above, then older batches: in order, each with its badge, the view kept', async () => {
    // Firefox (BiDi) never reports a load for moz-extension pages: not awaited.
    void inbox.reload().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 700));
    await until('the chat in the list', () => inbox.$('[data-testid="conversation"]'), 45_000);
    // Every list of messages the page draws, as thread indexes (recorded in the page).
    await inbox.evaluate(() => {
      const w = window as unknown as { drawn: number[][] };
      w.drawn = [];
      new MutationObserver(() => {
        const log = document.querySelector('[data-testid="chat-log"]');
        if (log === null) return;
        const now = [...log.querySelectorAll('[data-testid="message"]')].map((m) =>
          Number(/#(\d+)#/.exec(m.querySelector('.text')?.textContent ?? '')?.[1] ?? -1),
        );
        const last = w.drawn.at(-1);
        if (now.length > 0 && (last === undefined || last.join() !== now.join())) w.drawn.push(now);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    await inbox.click('[data-testid="conversation"]');
    // The first page (12 + 18), and nothing more until "Older" (the same for half a second).
    let seen = '';
    const first = await until('the first page (12 + 18)', async () => {
      const s = await shown(inbox);
      const same = s.order.join() === seen;
      seen = s.order.join();
      return s.order.length >= 30 && same ? s : null;
    });
    const newest = Array.from({ length: 30 }, (_, k) => MESSAGES - 30 + k);
    expect(first.order).toEqual(newest);
    expect(first.atEnd).toBe(true);
    const drawn = await inbox.evaluate(() => (window as unknown as { drawn: number[][] }).drawn);
    expect(drawn[0]).toEqual(newest.slice(-12));
    for (const d of drawn) {
      // Each drawn list: a contiguous run ending with the newest message, oldest first.
      expect(d).toEqual(Array.from({ length: d.length }, (_, k) => MESSAGES - d.length + k));
    }
    // Each Hush message carries its own sender's badge: alice verified, carol not.
    for (const x of first.badges) {
      if (x.sender === '@alice@a.test') expect(x.badge, `#${x.i}`).toContain('badge-verified');
      else {
        expect(x.sender, `#${x.i}`).toBe('@carol@a.test');
        expect(x.badge, `#${x.i}`).toMatch(/\bbadge-/);
        expect(x.badge, `#${x.i}`).not.toContain('badge-verified');
      }
    }
    expect(first.badges.map((x) => x.i)).toEqual(newest.filter((i) => i !== PLAIN_AT));

    // Scrolled to the top, "Older": the message at the top stays where it was.
    // (Found by its text: a batch whose last sender is the same joins that group, drawn anew.)
    const topOf = (i: number) =>
      inbox.evaluate((n: number) => {
        const m = [...document.querySelectorAll('[data-testid="chat-log"] [data-testid="message"]')].find((x) =>
          (x.querySelector('.text')?.textContent ?? '').includes(`#${n}#`),
        );
        return m === undefined ? null : m.getBoundingClientRect().top;
      }, i);
    await inbox.evaluate(() => {
      (document.querySelector('[data-testid="chat-log"]') as HTMLElement).scrollTop = 0;
    });
    const top = first.order[0] ?? -1;
    const before = await topOf(top);
    await inbox.click('[data-testid="older"]');
    const all = await until('the older batch', async () => {
      const s = await shown(inbox);
      return s.order.length > 30 ? s : null;
    });
    expect(all.order).toEqual(Array.from({ length: 48 }, (_, k) => MESSAGES - 48 + k));
    const after = await topOf(top);
    expect(before).not.toBeNull();
    expect(Math.abs((after ?? 0) - (before ?? 0))).toBeLessThanOrEqual(2);
    // The last batch: the whole thread, once each, in order; nothing older to ask for.
    await inbox.evaluate(() => {
      (document.querySelector('[data-testid="chat-log"]') as HTMLElement).scrollTop = 0;
    });
    await inbox.click('[data-testid="older"]');
    const whole = await until('the whole thread', async () => {
      const s = await shown(inbox);
      return s.order.length >= MESSAGES ? s : null;
    });
    expect(whole.order).toEqual(Array.from({ length: MESSAGES }, (_, k) => k));
    expect(await inbox.$('[data-testid="older"]')).toBeNull();
    for (const x of whole.badges)
      expect(x.badge, `#${x.i}`).toContain(x.sender === '@alice@a.test' ? 'badge-verified' : 'badge-');
  });
});
