import { beforeAll, describe, expect, it } from 'vitest';
import { createChain, generateIdentity, init } from '../../protocol/index';
import { b64 } from '../../messaging/encoding';
import type { AccountRecord } from '../storage/schema';
import { makeHarness } from './flow-harness';
import { activeAccount } from './flow-fixtures';
import { KeyRuntime } from './services-impl';
import { decrypt, encrypt, openLocal, sealLocal } from './services-impl';

beforeAll(init);
const ref = { origin: 'https://a.test', accountId: '1' };
const PASS = 'correct horse battery staple orbit';

async function setup() {
  const h = makeHarness(ref, 'token-123456');
  await h.rt.init();
  const identity = generateIdentity('https://a.test/users/alice');
  const chain = createChain(h.clock.now);
  const rec = activeAccount(ref, 'alice@a.test', identity, chain, h.clock.now);
  await h.rt.store.putAccount(rec);
  return { h, seed: b64(identity.seed), chainSecret: b64(chain.chainSecret) };
}

describe('passphrase vault and locking', () => {
  it('seals every secret at rest, locks, refuses wrong passphrases, unlocks', async () => {
    const { h, seed, chainSecret } = await setup();
    expect(await h.rt.setPassphrase(PASS, null)).toBe('ok');
    const stored = [...h.local.data.values()].join('\n');
    expect(stored).not.toContain(seed);
    expect(stored).not.toContain(chainSecret);
    const rec = await h.rt.account(ref);
    expect(rec?.secrets.kind).toBe('sealed');
    expect((await h.rt.material(rec as AccountRecord)).ok).toBe(true);

    const sealed = await sealLocal(h.rt, ref, new Uint8Array([1, 2, 3]));
    if (typeof sealed === 'string') throw new Error(sealed);
    await h.rt.lock();
    expect([...h.session.data.keys()].some((k) => k.includes('vault-key'))).toBe(false);
    expect(await h.rt.material(rec as AccountRecord)).toEqual({ ok: false, reason: 'locked' });
    expect(
      await encrypt(h.rt, ref, { recipients: ['bob@b.test'], plaintext: 'x', replyTo: null, maxChars: 500 }),
    ).toMatchObject({ ok: false, account: 'locked' });
    expect(
      await decrypt(h.rt, ref, { author: { acct: 'bob@b.test', actorUri: null }, mentions: [], chunks: [] }),
    ).toMatchObject({ ok: false, reason: 'locked' });
    expect(await openLocal(h.rt, ref, sealed)).toBe('locked');

    expect(await h.rt.unlock('wrong passphrase entirely')).toBe('wrong_passphrase');
    expect(await h.rt.isLocked()).toBe(true);
    expect(await h.rt.unlock(PASS)).toBe('ok');
    expect(await openLocal(h.rt, ref, sealed)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await openLocal(h.rt, ref, new Uint8Array(50))).toBe('corrupt');
  });

  it('stays unlocked across a worker restart (storage.session) and auto-locks after the idle delay', async () => {
    const { h } = await setup();
    await h.rt.setPassphrase(PASS, null);
    await h.rt.store.putSettings({ ...(await h.rt.store.settings()), autoLockSeconds: 60 });
    const restarted = new KeyRuntime({ ...h.rt.deps });
    expect(await restarted.isLocked()).toBe(false);
    h.clock.now += 30;
    expect(await restarted.autoLockIfIdle()).toBe(false);
    await restarted.touch();
    h.clock.now += 59;
    expect(await restarted.autoLockIfIdle()).toBe(false);
    h.clock.now += 2;
    expect(await restarted.autoLockIfIdle()).toBe(true);
    expect(await restarted.isLocked()).toBe(true);
  });

  it('changing the passphrase needs the current one; a failed write keeps the old passphrase working', async () => {
    const { h } = await setup();
    await h.rt.setPassphrase(PASS, null);
    expect(await h.rt.setPassphrase('another long passphrase here', null)).toBe('wrong_passphrase');
    expect(await h.rt.setPassphrase('another long passphrase here', 'nope nope nope')).toBe('wrong_passphrase');
    h.local.quotaBytes = 1;
    await expect(h.rt.setPassphrase('another long passphrase here', PASS)).rejects.toThrow(/quota/i);
    h.local.quotaBytes = Infinity;
    await h.rt.lock();
    expect(await h.rt.unlock(PASS)).toBe('ok');
    expect(await h.rt.setPassphrase('another long passphrase here', PASS)).toBe('ok');
    await h.rt.lock();
    expect(await h.rt.unlock(PASS)).toBe('wrong_passphrase');
    expect(await h.rt.unlock('another long passphrase here')).toBe('ok');
  });

  it('refuses to work on storage written by a newer schema (fails closed)', async () => {
    const h = makeHarness(ref, 'token-123456');
    await h.local.set({ 'hush:schema': 99 });
    await expect(h.rt.init()).rejects.toThrow(/newer_schema/);
    expect(
      await encrypt(h.rt, ref, { recipients: ['bob@b.test'], plaintext: 'x', replyTo: null, maxChars: 500 }).catch(
        () => 'refused',
      ),
    ).toBe('refused');
  });
});
