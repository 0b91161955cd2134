/**
 * Issue #21: a blocked identity change (carol@a.test now names another actor) reviewed in the
 * popup, in Chromium and Firefox ESR: one screen with the account the user knows beside the one
 * the instances now name (handle, address, fingerprint, who confirmed each), axe-clean in light
 * and dark; Keep the old account stays blocked, Accept re-binds the one contact. The store is
 * seeded directly (an enabled account and the contact under review), so no federation is needed.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createChain,
  currentPrekey,
  encodeBundle,
  generateIdentity,
  init,
  parseBundle,
} from '../../src/protocol/index';
import { chainInfo, toPlain } from '../../src/background/keys/material';
import { proposeIdentityChange, markVerified, observe } from '../../src/background/contacts/tofu';
import { b64 } from '../../src/messaging/encoding';
import {
  accountKey,
  CONTACTS_KEY,
  SCHEMA_KEY,
  SCHEMA_VERSION,
  type AccountRecord,
  type Contact,
} from '../../src/background/storage/schema';
import type { KeyMaterial } from '../../src/background/network/discovery';
import { tabIdFor, waitForTabState } from './extension-helpers';
import { browserKinds, launchBrowser, type BrowserKind, type LaunchedBrowser, testExtensionDir } from './launch';
import { startShellServer, type ShellServer } from './shell-server';

const artifacts = resolve('test-artifacts/popup');
const axeSource = readFileSync(resolve('node_modules/axe-core/axe.min.js'), 'utf8');
const OLD = 'https://a.test/users/carol';
const NEW = 'https://c.test/users/mallory';

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const r = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            d: Document,
          ): Promise<{ violations: { id: string; help: string; nodes: { target: unknown }[] }[]; passes: unknown[] }>;
        };
      }
    ).axe;
    const res = await axe.run(document);
    return {
      passes: res.passes.length,
      violations: res.violations.map((v) => `${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    };
  });
  expect(r.passes).toBeGreaterThan(10);
  return r.violations;
}

function bundle(identity: ReturnType<typeof generateIdentity>): KeyMaterial {
  const p = parseBundle(encodeBundle(identity, 1, currentPrekey(createChain(1_800_000_000)).publicKey));
  if (!p.ok) throw new Error('bundle');
  return { kind: 'bundle', bundle: p.value };
}

/** Storage as Hush would hold it: alice enabled for the tab's account, carol verified, then under review. */
function seed(origin: string, accountId: string, now: number): Record<string, unknown> {
  const me = generateIdentity('http://127.0.0.1/users/alice');
  const chain = createChain(now);
  const record: AccountRecord = {
    v: 2,
    origin,
    accountId,
    acct: 'alice@shell.test',
    actorUri: me.actorUri,
    identityPk: b64(me.publicKey),
    createdAt: now,
    status: 'active',
    revokedAt: null,
    secrets: toPlain({ identity: me, chain }),
    chainInfo: chainInfo(chain),
    published: { epoch: chain.epoch, at: now, kind: 'bundle' },
    publish: { wantEpoch: null, attempts: 0, lastError: null, lastAttemptAt: null },
  };
  const pinned = observe(null, {
    actorUri: OLD,
    acct: 'carol@a.test',
    material: bundle(generateIdentity(OLD)),
    servedBy: ['https://home.test', 'https://a.test'],
    at: now - 86400,
  }).contact as Contact;
  const verified = markVerified(pinned, pinned.pinned.fingerprint, now - 3600) as Contact;
  const review = proposeIdentityChange(verified, {
    actorUri: NEW,
    acct: 'carol@a.test',
    material: bundle(generateIdentity(NEW)),
    servedBy: ['https://home.test', 'https://c.test'],
    at: now,
  });
  return {
    [SCHEMA_KEY]: SCHEMA_VERSION,
    [accountKey(origin, accountId)]: record,
    [CONTACTS_KEY]: { v: 3, contacts: [review] },
  };
}

/** storage.local of the extension, as an expression evaluated in an extension page (chrome.* or browser.*). */
const LOCAL = '(globalThis.browser ?? globalThis.chrome).storage.local';

describe.each(browserKinds())('identity change review in %s (issue #21)', (kind: BrowserKind) => {
  let b: LaunchedBrowser;
  let shell: ShellServer;
  let tabId: number;

  beforeAll(async () => {
    await init();
    mkdirSync(artifacts, { recursive: true });
    shell = await startShellServer();
    b = await launchBrowser(kind, { extensionDir: testExtensionDir });
    const page = await b.newPage();
    await page.goto(`${shell.origin}/home`);
    const ext = await b.openExtensionPage('popup.html');
    tabId = await tabIdFor(ext, `${shell.origin}/home`);
    const state = (await waitForTabState(ext, tabId, 15_000).catch(async () => {
      await page.reload();
      return waitForTabState(ext, tabId, 45_000);
    })) as { origin: string; page: { account: { id: string } } };
    const items = seed(state.origin, state.page.account.id, Math.floor(Date.now() / 1000));
    await ext.evaluate(`${LOCAL}.set(${JSON.stringify(items)})`);
    await ext.close();
  });
  afterAll(async () => {
    await b.close();
    await shell.close();
  });

  const open = async () => {
    const p = await b.openExtensionPage(`popup.html?tabId=${tabId}&view=key-change&acct=carol@a.test`);
    await p.waitForSelector('[data-testid="identity-change"]');
    return p;
  };
  const text = (p: Page, sel: string) => p.$eval(sel, (e) => e.textContent ?? '');

  it('shows the account the user knows beside the new one, differences in words, and passes axe in light and dark', async () => {
    const p = await open();
    expect(await text(p, '[data-testid="identity-before-uri"]')).toContain(OLD);
    expect(await text(p, '[data-testid="identity-after-uri"]')).toContain(NEW);
    expect(await p.$eval('[data-testid="identity-after-uri"]', (e) => e.getAttribute('data-changed'))).toBe('true');
    expect(await p.$eval('[data-testid="identity-after-acct"]', (e) => e.getAttribute('data-changed'))).toBe('false');
    expect(await p.$eval('[data-testid="identity-after-fingerprint"]', (e) => e.getAttribute('data-changed'))).toBe(
      'true',
    );
    expect(await text(p, '[data-testid="identity-before-served-by"]')).toBe('home.test, a.test');
    expect(await text(p, '[data-testid="identity-after-served-by"]')).toBe('home.test, c.test');
    // The safe choice comes first.
    expect(
      await p.$$eval('[data-testid="identity-change"] .row button', (bs) =>
        bs.map((x) => x.getAttribute('data-testid')),
      ),
    ).toEqual(['identity-keep-old', 'identity-accept']);
    for (const scheme of kind === 'chromium' ? (['light', 'dark'] as const) : (['light'] as const)) {
      if (kind === 'chromium') await p.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      expect(await axeViolations(p), scheme).toEqual([]);
      await p.screenshot({ path: `${artifacts}/${kind}-identity-change-${scheme}.png`, fullPage: true });
    }
    await p.close();
  });

  it('Keep the old account stays blocked; Accept re-binds the one contact to the new account, unverified', async () => {
    const p = await open();
    await p.click('[data-testid="identity-keep-old"]');
    await p.waitForSelector('[data-testid="identity-outcome"][data-outcome="blocked"]');
    await p.close();
    const again = await open();
    await again.waitForSelector('[data-testid="identity-still-blocked"]');
    await again.click('[data-testid="identity-accept"]');
    await again.waitForSelector('[data-testid="identity-outcome"][data-outcome="accepted"]');
    const stored = (await again.evaluate(`${LOCAL}.get(${JSON.stringify(CONTACTS_KEY)})`)) as Record<
      string,
      { contacts: Contact[] }
    >;
    const contacts = stored[CONTACTS_KEY]?.contacts ?? [];
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      acct: 'carol@a.test',
      actorUri: NEW,
      identityChange: null,
      pinned: { trust: 'unverified' },
    });
    await again.close();
  });
});
