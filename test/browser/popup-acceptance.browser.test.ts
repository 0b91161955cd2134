/**
 * Issue #6 acceptance through the popup and the page together: two people enable Hush and
 * verify each other on the safety-number screen; a message then shows "verified" in the page;
 * locking in the popup makes messages show locked, unlocking makes them readable again.
 * The popup is driven through its UI; the page through its DOM and the secure frames (with the
 * same helpers as the overlay tests). Key change -> accept and backup -> restore in a second
 * profile are in popup-flows.browser.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { tabIdFor, waitForTabState } from './extension-helpers';
import { chooseDirect, editorFrame, sendSecure, typeSecure } from './overlay-support';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';

const extensionDir = testExtensionDir;
const PASSPHRASE = 'quiet lantern over seven hills';

interface Person {
  b: LaunchedBrowser;
  page: Page;
  tabId: number;
}

async function open(kind: 'chromium' | 'firefox', origin: string, name: string): Promise<Person> {
  const b = await launchBrowser(kind, { extensionDir });
  const page = await b.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${origin}/home?as=${name}`);
  const ext = await b.openExtensionPage('popup.html');
  const tabId = await tabIdFor(ext, `${origin}/home`);
  await waitForTabState(ext, tabId, 15_000).catch(async () => {
    await page.reload(); // see popup-flows: content script registered after the page loaded
    await waitForTabState(ext, tabId, 45_000);
  });
  await ext.close();
  await page.bringToFront();
  return { b, page, tabId };
}

const popup = async (p: Person, query = '') => {
  const page = await p.b.openExtensionPage(`popup.html?tabId=${p.tabId}${query}`);
  await page.waitForSelector('[data-testid="background"]');
  return page;
};

/** The secure views' badges and texts for statuses in the page. */
async function views(page: Page): Promise<{ badge: string; text: string }[]> {
  const out: { badge: string; text: string }[] = [];
  for (const host of await page.$$('.hush-view')) {
    const frame: Frame | null | undefined = await (await host.$('iframe'))?.contentFrame();
    if (!frame) continue;
    out.push(
      await frame
        .evaluate(() => ({
          badge: document.querySelector('.hush-badge')?.getAttribute('data-kind') ?? '',
          text: document.querySelector('.hush-plaintext')?.textContent ?? '',
        }))
        .catch(() => ({ badge: '', text: '' })),
    );
  }
  return out;
}

async function waitForView(
  page: Page,
  match: (v: { badge: string; text: string }) => boolean,
  what: string,
): Promise<{ badge: string; text: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = (await views(page)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no secure view with ${what}: ${JSON.stringify(await views(page))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.each(browserKinds())('popup acceptance in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-popup-accept-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    alice = await open(kind, a.origin, 'alice');
    bob = await open(kind, b.origin, 'bob');
  });
  afterAll(async () => {
    await Promise.all([alice?.b.close(), bob?.b.close()]);
    await fed?.stop();
  });

  it('enable -> verify on the safety-number screen -> the message shows verified in the page', async () => {
    for (const person of [alice, bob]) {
      const p = await popup(person);
      await p.waitForSelector('[data-testid="enable-account"]');
      await p.click('[data-testid="enable-account"]');
      await p.waitForSelector('[data-testid="hush-state"][data-state="enabled"]', { timeout: 30_000 });
      await p.close();
    }
    for (const [person, other] of [
      [alice, 'bob@b.test'],
      [bob, 'alice@a.test'],
    ] as const) {
      const p = await popup(person, `&view=contact&acct=${other}`);
      await p.waitForSelector('[data-testid="mark-verified"]', { timeout: 30_000 });
      await p.click('[data-testid="mark-verified"]');
      await p.waitForSelector('[data-testid="verified-note"]');
      await p.close();
    }

    const secret = `popup acceptance ${kind} ${Date.now().toString(36)}`;
    await alice.page.bringToFront();
    await chooseDirect(alice.page);
    await alice.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 15_000 });
    await typeSecure(alice.page, `@bob@b.test ${secret}`);
    expect(await sendSecure(alice.page)).toBe('sent');

    const seen = await waitForView(bob.page, (v) => v.text.includes(secret), secret);
    expect(seen.badge).toBe('verified');
  });

  it('lock in the popup -> messages show locked -> unlock -> readable', async () => {
    const keys = await popup(bob, '&view=my-keys');
    await keys.waitForSelector('#new-pass');
    await keys.type('#new-pass', PASSPHRASE);
    await keys.type('#confirm-pass', PASSPHRASE);
    await keys.waitForSelector('[data-testid="save-passphrase"]:not([disabled])');
    await keys.click('[data-testid="save-passphrase"]');
    await keys.waitForSelector('[data-testid="lock-now"]');
    await keys.click('[data-testid="lock-now"]');
    await keys.waitForSelector('[data-testid="locked"]');
    await keys.close();

    await bob.page.bringToFront();
    await bob.page.reload();
    await waitForView(bob.page, (v) => v.badge === 'locked' && !v.text.includes('popup acceptance'), 'a locked badge');

    const home = await popup(bob);
    await home.waitForSelector('#unlock-pass');
    await home.type('#unlock-pass', PASSPHRASE);
    await home.click('[data-testid="unlock-form"] button[type="submit"]');
    await home.waitForSelector('[data-testid="hush-state"][data-state="enabled"]');
    await home.close();

    await bob.page.bringToFront();
    await bob.page.reload();
    const back = await waitForView(bob.page, (v) => v.text.includes('popup acceptance'), 'the plaintext again');
    expect(back.badge).toBe('verified');
  });

  it('key change (bob revokes and sets up again) -> check again shows it -> accept -> sending resumes', async () => {
    const keys = await popup(bob, '&view=my-keys');
    await keys.waitForSelector('[data-testid="revoke"] button.danger');
    await keys.click('[data-testid="revoke"] button.danger');
    await keys.waitForSelector('[data-testid="revoke-confirm"]');
    await keys.click('[data-testid="revoke-confirm"]');
    await keys.waitForSelector('[data-testid="revoke"] .ok', { timeout: 30_000 });
    await keys.close();
    const again = await popup(bob);
    await again.waitForSelector('[data-testid="hush-state"][data-state="revoked"]');
    await again.click('[data-testid="enable-account"]');
    await again.waitForSelector('[data-testid="hush-state"][data-state="enabled"]', { timeout: 30_000 });
    await again.close();

    // alice's stored contact is bob's OLD verified key; "check again" must see the new one.
    const contact = await popup(alice, '&view=contact&acct=bob@b.test');
    // The first load finishes (button enabled again) before "check again" is clicked.
    await contact.waitForSelector('[data-testid="view-contact"] .trust');
    await contact.waitForSelector('[data-testid="refresh-contact"]:not([disabled])');
    await contact.click('[data-testid="refresh-contact"]');
    await contact.waitForSelector('.trust-changed', { timeout: 30_000 }).catch(async (e: unknown) => {
      const shown = await contact.$eval('[data-testid="view-contact"]', (el) => el.textContent);
      throw new Error(`no key change shown; the view says: ${shown ?? ''}`, { cause: e });
    });
    await contact.close();

    const change = await popup(alice, '&view=key-change&acct=bob@b.test');
    await change.waitForSelector('[data-testid="accept-change"]');
    await change.click('[data-testid="accept-change"]');
    await change.waitForSelector('[data-testid="key-change-outcome"][data-outcome="accepted"]');
    await change.close();

    const secret = `after the key change ${kind} ${Date.now().toString(36)}`;
    await alice.page.bringToFront();
    await alice.page.reload();
    await chooseDirect(alice.page);
    await alice.page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]', { timeout: 15_000 });
    await typeSecure(alice.page, `@bob@b.test ${secret}`);
    // alice had verified bob; the key she accepted is not verified. The editor says so on the
    // chip, in words beside the recipients, and on Send (issue #21, invariant 1).
    const editor = await editorFrame(alice.page);
    const shown = await editor.evaluate(() => {
      const chip = document.querySelector<HTMLElement>('.hush-chip');
      const warning = document.querySelector<HTMLElement>('.hush-trust-warning');
      return {
        chip: {
          warning: chip?.dataset.warning,
          trust: chip?.dataset.trust,
          warn: chip?.classList.contains('hush-chip--warn'),
          text: chip?.textContent ?? '',
        },
        warning: {
          text: warning?.textContent ?? '',
          visible:
            warning !== null &&
            warning.getBoundingClientRect().height > 0 &&
            getComputedStyle(warning).visibility === 'visible',
        },
        send: document.querySelector('button.hush-send')?.textContent ?? '',
      };
    });
    expect(shown.chip).toMatchObject({ warning: 'no_longer_verified', trust: 'unverified', warn: true });
    expect(shown.chip.text).toContain('no longer verified');
    expect(shown.warning.visible).toBe(true);
    expect(shown.warning.text).toContain('No longer verified: @bob@b.test');
    expect(shown.send).toBe('Send encrypted to @bob@b.test (no longer verified)');
    expect(await sendSecure(alice.page)).toBe('sent');
    await bob.page.bringToFront();
    const seen = await waitForView(bob.page, (v) => v.text.includes(secret), secret);
    expect(seen.badge).toBe('verified'); // bob still holds alice's verified key
  });
});
