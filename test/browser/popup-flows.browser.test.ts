/**
 * The popup driving the real key life cycle against the test federation (a.test, b.test):
 * enable two accounts, verify through the safety-number screen (same digits on both sides),
 * passphrase lock/unlock, backup -> restore in a second profile, key change -> accept.
 * Every screen is checked with axe and photographed into test-artifacts/popup/.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChain, currentPrekey, encodeBundle, generateIdentity, init } from '../../src/protocol/index';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { sendFromExtensionPage, tabIdFor, waitForTabState } from './extension-helpers';
import { browserKinds, launchBrowser, type BrowserKind, type LaunchedBrowser, testExtensionDir } from './launch';

const extensionDir = testExtensionDir;
const artifacts = resolve('test-artifacts/popup');
const axeSource = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const PASSPHRASE = 'correct horse battery staple orbit';

async function axeClean(page: Page, kind: BrowserKind, name: string): Promise<void> {
  const schemes = kind === 'chromium' ? (['light', 'dark'] as const) : (['light'] as const);
  for (const scheme of schemes) {
    if (kind === 'chromium') await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    await page.evaluate(axeSource);
    const found = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: {
            run(
              d: Document,
            ): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[]; passes: unknown[] }>;
          };
        }
      ).axe;
      const r = await axe.run(document);
      return {
        passes: r.passes.length,
        violations: r.violations.map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`),
      };
    });
    expect(found.passes).toBeGreaterThan(10);
    expect(found.violations, `${name} (${scheme})`).toEqual([]);
    await page.screenshot({ path: `${artifacts}/${kind}-flow-${name}-${scheme}.png`, fullPage: true });
  }
}

const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '');

describe.each(browserKinds())('popup flows on the test federation in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let b: Instance;
  let br: LaunchedBrowser;
  let aliceTab: number;
  let bobTab: number;

  const openTab = async (browser: LaunchedBrowser, url: string): Promise<number> => {
    const page = await browser.newPage();
    await page.goto(url);
    const ext = await browser.openExtensionPage('popup.html');
    const id = await tabIdFor(ext, url.split('?')[0] ?? url);
    // A page loaded before the freshly installed test build registered its content script is
    // never injected (static test permission: no permissions.onAdded). Reload once if so.
    await waitForTabState(ext, id, 15_000).catch(async () => {
      await page.reload();
      await waitForTabState(ext, id, 45_000);
    });
    await ext.close();
    return id;
  };
  const popup = async (browser: LaunchedBrowser, tabId: number, query = '') => {
    const p = await browser.openExtensionPage(`popup.html?tabId=${tabId}${query}`);
    await p.waitForSelector('[data-testid="background"]');
    return p;
  };
  const enable = async (browser: LaunchedBrowser, tabId: number, from: 'not_enabled' | 'revoked' = 'not_enabled') => {
    const p = await popup(browser, tabId);
    await p.waitForSelector(`[data-testid="hush-state"][data-state="${from}"]`);
    await p.click('[data-testid="enable-account"]');
    await p.waitForSelector('[data-testid="hush-state"][data-state="enabled"]', { timeout: 30_000 });
    return p;
  };
  const safetyDigits = async (p: Page) => {
    await p.waitForSelector('[data-testid="safety-number"]', { timeout: 30_000 });
    return p.$$eval('[data-testid="safety-number"] .sn-group', (gs) => gs.map((g) => g.textContent ?? ''));
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-popup-flows-')) });
    a = fed.instances['a.test'] as Instance;
    b = fed.instances['b.test'] as Instance;
    br = await launchBrowser(kind, { extensionDir });
    aliceTab = await openTab(br, `${a.origin}/home?as=alice`);
    bobTab = await openTab(br, `${b.origin}/home?as=bob`);
  });
  afterAll(async () => {
    await br?.close();
    await fed?.stop();
  });

  it('enable -> verify through the safety-number screen, same number on both sides', async () => {
    const home = await enable(br, aliceTab);
    expect(await text(home, '[data-testid="account"]')).toContain('@alice@a.test');
    await axeClean(home, kind, 'home-enabled');
    await home.close();
    await (await enable(br, bobTab)).close();

    // Alice looks bob up from the contacts search and compares.
    const contacts = await popup(br, aliceTab, '&view=contacts');
    await contacts.waitForSelector('#contact-search');
    await contacts.type('#contact-search', 'bob@b.test');
    await contacts.waitForSelector('[data-testid="lookup"]');
    await contacts.click('[data-testid="lookup"]');
    const aliceSees = await safetyDigits(contacts);
    expect(aliceSees).toHaveLength(12);
    for (const g of aliceSees) expect(g).toMatch(/^\d{5}$/);
    expect(await contacts.$('[data-testid="qr"] path')).not.toBeNull();
    await axeClean(contacts, kind, 'verify');
    await contacts.click('[data-testid="mark-verified"]');
    await contacts.waitForSelector('[data-testid="verified-note"]');
    await contacts.close();

    const bobView = await popup(br, bobTab, '&view=contact&acct=alice@a.test');
    expect(await safetyDigits(bobView)).toEqual(aliceSees);
    // Bob pastes the number alice sent him over another channel; one wrong digit is caught.
    const wrong = `${aliceSees.join('-').slice(0, -1)}${aliceSees.join('').endsWith('0') ? '1' : '0'}`;
    await bobView.type('#compare-number', wrong);
    await bobView.waitForSelector('[data-testid="compare-verdict"][data-verdict="mismatch"]');
    await bobView.$eval('#compare-number', (e) => {
      (e as HTMLInputElement).value = '';
    });
    await bobView.type('#compare-number', aliceSees.join(' '));
    await bobView.waitForSelector('[data-testid="compare-verdict"][data-verdict="match"]');
    await bobView.close();

    const list = await popup(br, aliceTab, '&view=contacts');
    await list.waitForSelector('[data-testid="contact"][data-acct="bob@b.test"][data-trust="verified"]');
    await axeClean(list, kind, 'contacts');
    await list.close();
  });

  it('my keys: fingerprint QR, passphrase, lock -> home shows locked -> unlock', async () => {
    const keys = await popup(br, aliceTab, '&view=my-keys');
    await keys.waitForSelector('[data-testid="my-fingerprint"] [data-testid="qr"]');
    // Judged in the popup by strength.js, loaded on demand: a common password cannot be saved.
    await keys.type('#new-pass', 'password1');
    await keys.type('#confirm-pass', 'password1');
    await keys.waitForFunction(
      () => (document.querySelector('[data-testid="pass-strength"]')?.textContent ?? '') !== '',
    );
    expect(await keys.$eval('meter', (m) => m.value)).toBeLessThan(3);
    expect(await keys.$eval('[data-testid="save-passphrase"]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    for (const sel of ['#new-pass', '#confirm-pass']) {
      await keys.$eval(sel, (el) => {
        (el as HTMLInputElement).value = '';
        el.dispatchEvent(new Event('input', { bubbles: true }));
      });
    }
    await keys.type('#new-pass', PASSPHRASE);
    await keys.type('#confirm-pass', PASSPHRASE);
    await keys.waitForSelector('[data-testid="save-passphrase"]:not([disabled])');
    await axeClean(keys, kind, 'my-keys');
    await keys.click('[data-testid="save-passphrase"]');
    await keys.waitForSelector('[data-testid="lock-now"]');
    await keys.click('[data-testid="lock-now"]');
    await keys.waitForSelector('[data-testid="locked"] #unlock-pass');
    await keys.close();

    const home = await popup(br, aliceTab);
    await home.waitForSelector('[data-testid="hush-state"][data-state="locked"]');
    await axeClean(home, kind, 'home-locked');
    await home.type('#unlock-pass', 'wrong passphrase');
    await home.click('[data-testid="unlock-form"] button[type="submit"]');
    await home.waitForSelector('[data-testid="refused"][data-reason="wrong_passphrase"]');
    await home.type('#unlock-pass', PASSPHRASE);
    await home.click('[data-testid="unlock-form"] button[type="submit"]');
    await home.waitForSelector('[data-testid="hush-state"][data-state="enabled"]');
    await home.close();
  });

  it('backup -> restore in a second profile gives the same key', async () => {
    const keys = await popup(br, aliceTab, '&view=my-keys');
    await keys.waitForSelector('[data-testid="export-backup"]');
    await keys.click('[data-testid="export-backup"]');
    await keys.waitForSelector('[data-testid="recovery-code"]');
    await axeClean(keys, kind, 'backup-code');
    const fingerprint = await text(keys, '[data-testid="my-fingerprint"] code.fingerprint');
    // The file the button saved is not reachable from the test: take one through the same message the button sends.
    const account = { origin: a.origin, accountId: a.users.alice?.id ?? '' };
    const exported = (await sendFromExtensionPage(keys, { type: 'keys/backup-export', payload: { account } })) as {
      value: { contents: string; recoveryCode: string };
    };
    await keys.close();
    const file = join(mkdtempSync(join(tmpdir(), 'hush-backup-')), 'alice.hush');
    writeFileSync(file, Buffer.from(exported.value.contents, 'base64url'));

    const second = await launchBrowser(kind, { extensionDir });
    try {
      const tab = await openTab(second, `${a.origin}/home?as=alice`);
      const restore = await popup(second, tab, '&view=my-keys');
      const input = await restore.waitForSelector('#restore-file');
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file);
      await restore.type('#restore-code', exported.value.recoveryCode);
      await restore.click('[data-testid="restore"]');
      await restore.waitForSelector('[data-testid="my-fingerprint"] code.fingerprint', { timeout: 30_000 });
      expect(await text(restore, '[data-testid="my-fingerprint"] code.fingerprint')).toBe(fingerprint);
      await restore.close();
    } finally {
      await second.close();
    }
  });

  it('revoke from my keys, then set up again', async () => {
    const bobKeys = await popup(br, bobTab, '&view=my-keys');
    await bobKeys.waitForSelector('[data-testid="revoke"] button.danger');
    await bobKeys.click('[data-testid="revoke"] button.danger');
    await bobKeys.waitForSelector('[data-testid="revoke-confirm"]');
    await axeClean(bobKeys, kind, 'revoke-confirm');
    await bobKeys.click('[data-testid="revoke-confirm"]');
    await bobKeys.waitForSelector('[data-testid="revoke"] .ok');
    await bobKeys.close();
    await (await enable(br, bobTab, 'revoked')).close();
  });

  it('key change -> the popup shows what changed, when, served by which instance -> keep blocked -> accept', async () => {
    // Both of bob's instances now serve a different key (as after a reinstall that both paths see).
    await init();
    const bobUri = (
      (await sendFromExtensionPage(await br.openExtensionPage('popup.html'), {
        type: 'keys/contact',
        payload: { account: { origin: a.origin, accountId: a.users.alice?.id ?? '' }, acct: 'bob@b.test' },
      })) as { value: { contact: { actorUri: string } } }
    ).value.contact.actorUri;
    const fresh = encodeBundle(generateIdentity(bobUri), 9, currentPrekey(createChain(1_800_000_000)).publicKey);
    await a.adversary.swapRemoteField('bob@b.test', 'Hush', fresh);
    await b.adversary.setLocalField('bob', 'Hush', fresh);

    const view = await popup(br, aliceTab, '&view=contact&acct=bob@b.test');
    // The first load finishes (button enabled again) before "check again" is clicked.
    await view.waitForSelector('[data-testid="view-contact"] .trust');
    await view.waitForSelector('[data-testid="refresh-contact"]:not([disabled])');
    await view.click('[data-testid="refresh-contact"]');
    await view.waitForSelector('.trust-changed', { timeout: 30_000 }).catch(async (e: unknown) => {
      const shown = await view.$eval('[data-testid="view-contact"]', (el) => el.textContent);
      throw new Error(`no key change shown; the view says: ${shown ?? ''}`, { cause: e });
    });
    await view.close();

    // The first screen says so and leads to the review.
    const home = await popup(br, aliceTab);
    await home.waitForSelector('[data-testid="key-change-notice"] button');
    await axeClean(home, kind, 'home-key-changed');
    await home.click('[data-testid="key-change-notice"] button');
    await home.waitForSelector('[data-testid="view-key-change"]');
    await home.close();

    const change = await popup(br, aliceTab, '&view=key-change&acct=bob@b.test');
    await change.waitForSelector('[data-testid="served-by"]');
    expect(await text(change, '[data-testid="served-by"]')).toContain(new URL(b.origin).host);
    expect(await text(change, '[data-testid="changed-at"]')).not.toBe('');
    await axeClean(change, kind, 'key-change');
    // Keep blocked first: the change stays pending and can still be accepted later.
    await change.click('[data-testid="keep-blocked"]');
    await change.waitForSelector('[data-testid="key-change-outcome"][data-outcome="blocked"]');
    await change.close();
    const again = await popup(br, aliceTab, '&view=key-change&acct=bob@b.test');
    await again.waitForSelector('[data-testid="still-blocked"]');
    await again.click('[data-testid="accept-change"]');
    await again.waitForSelector('[data-testid="key-change-outcome"][data-outcome="accepted"]');
    await again.close();

    const list = await popup(br, aliceTab, '&view=contacts');
    await list.waitForSelector('[data-testid="contact"][data-acct="bob@b.test"][data-trust="unverified"]');
    await list.close();
  });
});
