/**
 * Issue #7, nothing lost (Chromium): the user's other profile fields survive every publish path
 * byte for byte (unicode, links, all four fields taken), and keys survive a browser restart in the
 * same profile. Storage migrations, quota errors and interrupted writes are unit-tested by the key
 * store (src/background/storage/migrations.test.ts) and fuzzed in test/fuzz/background.test.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../instance/server/federation';
import { launchBrowser, type LaunchedBrowser } from '../browser/launch';
import { ask, openAs, type HushUser } from '../browser/overlay-support';
import { api } from './node-party';
import { extensionCopy } from './support';

interface Field {
  name: string;
  value: string;
}
const sourceFields = async (inst: Instance, user: string): Promise<Field[]> =>
  (
    await api<{ source: { fields: Field[] } }>(inst, user, 'GET', '/api/v1/accounts/verify_credentials')
  ).source.fields.map((f) => ({ name: f.name, value: f.value }));

// Unicode (combining marks, RTL, emoji ZWJ sequences, astral), a link, and one field near the length limit.
const BOB_FIELDS: Field[] = [
  { name: 'Pronouns ✨', value: 'they/them — e\u0301 ñ 日本語 👩🏽‍💻' },
  { name: 'Site', value: 'https://example.com/path?q=1&r=<2>' },
  { name: 'עברית', value: 'שלום\u200f مرحبا 𝔘𝔫𝔦' },
];
const DAVE_FIELDS: Field[] = [...BOB_FIELDS, { name: 'Matrix', value: '@dave:example.org' }];

describe('nothing lost (chromium)', () => {
  let fed: Federation;
  let b: Instance;
  let browser: LaunchedBrowser;
  const profileDir = mkdtempSync(join(tmpdir(), 'hush-adv-profile-'));
  const extensionDir = extensionCopy();
  let bob: HushUser;
  let dave: HushUser;
  const account = (u: HushUser) => ({ account: { origin: u.origin, accountId: u.accountId } });
  const others = (fields: Field[]) => fields.filter((f) => !f.value.startsWith('Hush '));

  beforeAll(async () => {
    fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-adv-lost-')) });
    b = fed.instances['b.test'] as Instance;
    await api(b, 'bob', 'PATCH', '/api/v1/accounts/update_credentials', { fields_attributes: BOB_FIELDS });
    await api(b, 'dave', 'PATCH', '/api/v1/accounts/update_credentials', { fields_attributes: DAVE_FIELDS });
    expect(await sourceFields(b, 'bob')).toEqual(BOB_FIELDS);
    browser = await launchBrowser('chromium', { extensionDir, profileDir });
    const bobUser = b.users.bob;
    const daveUser = b.users.dave;
    if (!bobUser || !daveUser) throw new Error('federation users missing');
    bob = await openAs(browser, b.origin, bobUser, 'bob');
    dave = await openAs(browser, b.origin, daveUser, 'dave');
  });
  afterAll(async () => {
    await browser?.close();
    await fed?.stop();
  });

  it("enable and republish keep bob's three other fields byte for byte, in order", async () => {
    const enabled = await ask<{ result: string }>(bob, 'keys/enable', { ...account(bob), replaceField: null });
    expect(enabled.result).toBe('enabled');
    const afterEnable = await sourceFields(b, 'bob');
    expect(afterEnable).toHaveLength(4);
    expect(afterEnable.slice(0, 3)).toEqual(BOB_FIELDS);
    await ask(bob, 'keys/sync', account(bob));
    expect(others(await sourceFields(b, 'bob'))).toEqual(BOB_FIELDS);
  });

  it('with all four fields taken, nothing is dropped until the user chooses; then only the chosen one goes', async () => {
    const full = await ask<{ result: string; fields?: { index: number; name: string }[] }>(dave, 'keys/enable', {
      ...account(dave),
      replaceField: null,
    });
    expect(full.result).toBe('fields_full');
    expect(full.fields?.map((f) => f.name)).toEqual(DAVE_FIELDS.map((f) => f.name));
    expect(await sourceFields(b, 'dave')).toEqual(DAVE_FIELDS);
    const chosen = await ask<{ result: string }>(dave, 'keys/enable', { ...account(dave), replaceField: 3 });
    expect(chosen.result).toBe('enabled');
    const after = await sourceFields(b, 'dave');
    expect(after.slice(0, 3)).toEqual(DAVE_FIELDS.slice(0, 3));
    expect(after[3]?.value).toMatch(/^Hush /);
  });

  it('keys survive closing and reopening the browser with the same profile', async () => {
    const before = await ask<{ result: string; keys?: { fingerprint: string; epoch: number } }>(
      bob,
      'keys/my-keys',
      account(bob),
    );
    expect(before.result).toBe('ok');
    await browser.close();
    browser = await launchBrowser('chromium', { extensionDir, profileDir });
    const bobUser = b.users.bob;
    if (!bobUser) throw new Error('no bob');
    bob = await openAs(browser, b.origin, bobUser, 'bob');
    const after = await ask<{ result: string; keys?: { fingerprint: string; epoch: number } }>(
      bob,
      'keys/my-keys',
      account(bob),
    );
    expect(after).toEqual(before);
  });

  it('revoking keeps the other fields too', async () => {
    const revoked = await ask<{ result: string }>(bob, 'keys/revoke', { ...account(bob), reason: 'superseded' });
    expect(revoked.result).toBe('revoked');
    const after = await sourceFields(b, 'bob');
    expect(others(after)).toEqual(BOB_FIELDS);
    expect(after).toHaveLength(4);
  });
});
