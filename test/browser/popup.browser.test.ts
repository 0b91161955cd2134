/**
 * The popup and the options page in real Chromium and Firefox ESR: every view renders its key
 * elements, axe-core finds no violations in light and dark (Chromium emulates the colour scheme;
 * Firefox, whose BiDi cannot, runs the file twice with the scheme forced by a preference), the security phrase and
 * preferences round-trip through the background, and the diagnostics export leaks no names.
 * Screenshots go to test-artifacts/popup/ (git-ignored) for people to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tabIdFor, waitForTabState } from './extension-helpers';
import { browserKinds, launchBrowser, type BrowserKind, type LaunchedBrowser, testExtensionDir } from './launch';
import { startShellServer, type ShellServer } from './shell-server';

const extensionDir = testExtensionDir;
const artifacts = resolve('test-artifacts/popup');
const axeSource = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Injects axe-core into the page (through the debugging protocol, not the page's CSP) and runs it. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(ctx: Document, o: object): Promise<{ violations: AxeViolation[]; passes: unknown[] }> };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return {
      passes: result.passes.length,
      violations: result.violations.map(
        (v) => `${v.id} (${v.impact ?? '?'}): ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
      ),
    };
  });
  // Guards against a silently empty run (axe not loaded, nothing rendered): real views pass dozens of rules.
  expect(violations.passes).toBeGreaterThan(10);
  return violations.violations;
}

type Scheme = 'light' | 'dark';

/** Chromium checks both schemes in one browser; Firefox gets one browser per scheme. */
const variants = browserKinds().flatMap((kind): { kind: BrowserKind; schemes: Scheme[] }[] =>
  kind === 'chromium'
    ? [{ kind, schemes: ['light', 'dark'] }]
    : [
        { kind, schemes: ['light'] },
        { kind, schemes: ['dark'] },
      ],
);

/** Firefox's own switch for what `prefers-color-scheme` reports to pages: 0 dark, 1 light. */
const firefoxScheme = (scheme: Scheme) => ({
  'layout.css.prefers-color-scheme.content-override': scheme === 'dark' ? 0 : 1,
});

/** Axe in each of the variant's colour schemes, plus a screenshot of each. */
async function checkView(page: Page, kind: BrowserKind, schemes: readonly Scheme[], name: string): Promise<void> {
  for (const scheme of schemes) {
    if (kind === 'chromium') await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    // Guards against checking the wrong theme twice (an emulation or preference that did not apply).
    expect(
      await page.evaluate((s) => matchMedia(`(prefers-color-scheme: ${s})`).matches, scheme),
      `${name} in ${scheme}`,
    ).toBe(true);
    expect(await axeViolations(page), `${name} (${scheme})`).toEqual([]);
    await page.screenshot({ path: `${artifacts}/${kind}-${name}-${scheme}.png`, fullPage: true });
  }
}

const text = (page: Page, selector = 'body') => page.$eval(selector, (e) => e.textContent ?? '');

describe.each(variants)('popup and options in $kind ($schemes)', ({ kind, schemes }) => {
  let b: LaunchedBrowser;
  let shell: ShellServer;
  let tabId: number;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    shell = await startShellServer();
    b = await launchBrowser(kind, { extensionDir, firefoxPrefs: firefoxScheme(schemes[0] ?? 'light') });
    const page = await b.newPage();
    await page.goto(`${shell.origin}/home`);
    const ext = await b.openExtensionPage('popup.html');
    tabId = await tabIdFor(ext, `${shell.origin}/home`);
    // A page loaded before the freshly installed test build registered its content script is
    // never injected (static test permission: no permissions.onAdded). Reload once if so.
    await waitForTabState(ext, tabId, 15_000).catch(async () => {
      await page.reload();
      await waitForTabState(ext, tabId, 45_000);
    });
    await ext.close();
  });
  afterAll(async () => {
    await b.close();
    await shell.close();
  });

  const popup = async (query = '') => {
    const p = await b.openExtensionPage(`popup.html?tabId=${tabId}${query}`);
    await p.waitForSelector('[data-testid="background"]');
    return p;
  };

  it('home shows the account, the instance, Hush state and the phrase setup prompt', async () => {
    const p = await popup();
    await p.waitForSelector('[data-testid="hush-state"][data-state="not_enabled"]');
    expect(await text(p, '[data-testid="account"]')).toContain('Signed in as @alice@shell.test');
    expect(await text(p, '[data-testid="detected"]')).toContain('Mastodon 4.8.0 on shell.test');
    expect(await p.$('[data-testid="phrase-setup-prompt"]')).not.toBeNull();
    expect(await p.$$eval('nav button', (bs) => bs.map((x) => x.getAttribute('aria-current')))).toEqual([
      'page',
      null,
      null,
    ]);
    await checkView(p, kind, schemes, 'home');
    await p.close();
  });

  it('the security phrase is picked with the keyboard, stored by the background and shown in the header', async () => {
    const p = await popup('&view=phrase');
    await p.waitForSelector('#phrase-text');
    await p.focus('#phrase-text');
    await p.keyboard.type('  otters hold hands ');
    // Tab to the pattern radios and pick the third with the arrow keys.
    await p.keyboard.press('Tab');
    await p.keyboard.press('ArrowDown');
    await p.keyboard.press('ArrowDown');
    expect(await p.$eval('input[name="pattern"]:checked', (e) => e.value)).toBe('stripes-violet');
    await checkView(p, kind, schemes, 'phrase');
    await p.click('[data-testid="phrase-form"] button[type="submit"]');
    await p.waitForSelector('[data-testid="phrase-saved"]');
    await p.close();

    const again = await popup();
    await again.waitForSelector('header [data-testid="security-badge"]');
    expect(await text(again, 'header [data-testid="security-badge"] .security-text')).toBe('otters hold hands');
    expect(await again.$eval('header [data-testid="security-badge"]', (e) => e.className)).toContain(
      'pattern-stripes-violet',
    );
    expect(await again.$('[data-testid="phrase-setup-prompt"]')).toBeNull();
    await again.close();
  });

  it('the navigation is keyboard operable and moves focus to the new view', async () => {
    const p = await popup();
    await p.focus('[data-testid="nav-home"]');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Enter');
    await p.waitForSelector('[data-testid="view-contacts"]');
    expect(await p.$eval('[data-testid="nav-contacts"]', (e) => e.getAttribute('aria-current'))).toBe('page');
    await p.waitForFunction(() => document.activeElement?.tagName === 'H2');
    await p.close();
  });

  it.each([
    ['contacts', '', 'view-contacts', ['#contact-search']],
    ['contact', '&acct=bob@b.test', 'view-contact', ['details.explain']],
    ['key-change', '&acct=bob@b.test', 'view-key-change', []],
    ['my-keys', '', 'view-my-keys', ['[data-testid="backup"]', '[data-testid="restore-form"]']],
  ])('%s view renders, states what it can show, and passes axe', async (view, extra, testid, selectors) => {
    const p = await popup(`&view=${view}${extra}`);
    await p.waitForSelector(`[data-testid="${testid}"]`);
    // Without an enabled account: an explicit refusal in words, never a blank or made-up view.
    await p.waitForSelector(
      `[data-testid="${testid}"] :is([data-testid="refused"], [data-testid="error"], [data-testid="contact"], [data-testid="contacts-empty"], [data-testid="safety-number"], [data-testid="changed-at"], [data-testid="my-fingerprint"], [data-testid="locked"])`,
    );
    for (const s of selectors) expect(await p.$(s), s).not.toBeNull();
    // Revoking needs a key: the button is not offered before there is one.
    if (view === 'my-keys') expect(await p.$('[data-testid="revoke"]')).toBeNull();
    await checkView(p, kind, schemes, view);
    await p.close();
  });

  it('a tab that is not Mastodon says so', async () => {
    const page = await b.newPage();
    await page.goto(`${shell.origin}/not-mastodon`);
    const ext = await b.openExtensionPage('popup.html');
    const other = await tabIdFor(ext, `${shell.origin}/not-mastodon`);
    await ext.close();
    const p = await b.openExtensionPage(`popup.html?tabId=${other}`);
    await p.waitForSelector('[data-testid="not-mastodon"]');
    expect(await p.$('[data-testid="account-card"]')).toBeNull();
    await checkView(p, kind, schemes, 'not-mastodon');
    await p.close();
    await page.close();
  });

  it('options: preferences persist, instances are listed, diagnostics contain no names', async () => {
    const o = await b.openExtensionPage('options.html');
    await o.waitForSelector('[data-testid="default-encryption"]');
    expect(await o.$eval('[data-testid="default-encryption"]', (e) => (e as HTMLInputElement).checked)).toBe(true);
    await o.click('[data-testid="default-encryption"]');
    await o.waitForFunction(
      () => !(document.querySelector('[data-testid="default-encryption"]') as HTMLInputElement).checked,
    );
    // The phrase chosen in the popup test is shown here too.
    await o.waitForSelector('[data-testid="options-phrase"] [data-testid="security-badge"]');
    await o.waitForSelector('[data-testid="instance"], [data-testid="instances-empty"]');
    await o.click('[data-testid="export-diagnostics"]');
    await o.waitForSelector('[data-testid="diagnostics-preview"]');
    const report = JSON.parse(await text(o, '[data-testid="diagnostics-preview"]')) as Record<string, unknown>;
    expect(report).toMatchObject({
      format: 'hush-diagnostics/1',
      extensionVersion: '0.1.0',
      securityPhraseSet: true,
      prefs: { defaultEncryption: false },
    });
    const raw = JSON.stringify(report);
    expect(raw).not.toContain('otters');
    expect(raw).not.toContain('127.0.0.1');
    expect(raw).not.toContain('alice');
    // Key timings come from the keys background; a change is validated and stored there.
    await o.waitForSelector('#ks-rotationDays');
    await o.$eval('#ks-rotationDays', (e) => {
      (e as HTMLInputElement).value = '';
    });
    await o.type('#ks-rotationDays', '14');
    await o.click('[data-testid="options-keys"] button[type="submit"]');
    await o.waitForSelector('[data-testid="options-keys"] .ok');
    await checkView(o, kind, schemes, 'options');
    await o.close();

    const again = await b.openExtensionPage('options.html');
    await again.waitForSelector('[data-testid="default-encryption"]');
    expect(await again.$eval('[data-testid="default-encryption"]', (e) => (e as HTMLInputElement).checked)).toBe(false);
    await again.waitForSelector('#ks-rotationDays');
    expect(await again.$eval('#ks-rotationDays', (e) => (e as HTMLInputElement).value)).toBe('14');
    await again.close();
  });
});
