/**
 * Issue #5 in both browsers (the long scenario is keys.browser.test.ts, Chromium): the popup
 * messages enable Hush for alice through the real content-script token hand-off, discover bob
 * (enabled from Node against the same federation) across instances, and lock with a passphrase.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/protocol/index';
import { enable } from '../../src/background/keys/accounts';
import { makeHarness } from '../../src/background/keys/flow-harness';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { browserKinds, launchBrowser, type LaunchedBrowser, testExtensionDir } from './launch';
import { sendFromExtensionPage, tabIdFor, waitForTabState } from './extension-helpers';

const extensionDir = testExtensionDir;

describe.each(browserKinds())('keys basics in %s', (kind) => {
  let fed: Federation;
  let a: Instance;
  let br: LaunchedBrowser;
  let ext: Page;
  let alice: { origin: string; accountId: string };
  const call = async (type: string, payload: unknown): Promise<unknown> => {
    const r = (await sendFromExtensionPage(ext, { type, payload })) as {
      ok: boolean;
      value?: unknown;
      error?: unknown;
    };
    if (!r.ok) throw new Error(`${type}: ${JSON.stringify(r.error)}`);
    return r.value;
  };

  beforeAll(async () => {
    await init();
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-keys-basic-')) });
    a = fed.instances['a.test'] as Instance;
    const b = fed.instances['b.test'] as Instance;
    const bob = makeHarness({ origin: b.origin, accountId: b.users.bob?.id ?? '' }, b.users.bob?.token ?? '');
    await bob.rt.init();
    expect((await enable(bob.rt, bob.ref, null)).result).toBe('enabled');
    br = await launchBrowser(kind, { extensionDir });
    ext = await br.openExtensionPage('popup.html');
    const page = await br.newPage();
    await page.goto(`${a.origin}/home?as=alice`);
    await waitForTabState(ext, await tabIdFor(ext, `${a.origin}/home`));
    alice = { origin: a.origin, accountId: a.users.alice?.id ?? '' };
  });
  afterAll(async () => {
    await br?.close();
    await fed?.stop();
  });

  it('keys messages are validated: a malformed account reference is refused before any handler', async () => {
    expect(
      await sendFromExtensionPage(ext, {
        type: 'keys/status',
        payload: { account: { origin: 'javascript:alert(1)', accountId: '1' } },
      }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it("enables alice through the content script's token, discovers bob across instances, locks", async () => {
    expect(await call('keys/status', { account: alice })).toMatchObject({ state: 'not_enabled' });
    expect(await call('keys/enable', { account: alice, replaceField: null })).toMatchObject({
      result: 'enabled',
      status: { state: 'enabled', acct: 'alice@a.test', publish: { publishedEpoch: 0 } },
    });
    expect(await call('keys/contact', { account: alice, acct: '@bob@b.test' })).toMatchObject({
      result: 'ok',
      contact: { acct: 'bob@b.test', state: 'ready', trust: 'unverified' },
    });
    expect(await call('keys/contacts', { account: alice, query: 'bob' })).toMatchObject({
      contacts: [{ acct: 'bob@b.test' }],
    });
    expect(
      await call('keys/passphrase-set', { passphrase: 'violet tractor swims under 47 quiet lemons', current: null }),
    ).toMatchObject({ result: 'ok' });
    await call('keys/lock', {});
    expect(await call('keys/status', { account: alice })).toMatchObject({ state: 'locked', hasPassphrase: true });
    expect(await call('keys/unlock', { passphrase: 'violet tractor swims under 47 quiet lemons' })).toEqual({
      result: 'ok',
    });
    expect(await call('keys/my-keys', { account: alice })).toMatchObject({
      result: 'ok',
      keys: { acct: 'alice@a.test', locked: false },
    });
  });
});
