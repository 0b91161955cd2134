/**
 * The key life cycle end to end in Node against the real test federation (two instances):
 * enable with field preservation, cross-instance discovery, encrypt/decrypt both ways, adversary
 * key substitution on one instance (disagreement) then on both (key change that blocks sending),
 * rotation with a controlled clock, backup to a second "browser".
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederation, type Federation, type Instance } from '../../../test/instance/server/federation';
import { createIdentity } from './flow-fixtures';
import { checkRecipients, decrypt, encrypt, searchAccounts, senderTrust } from './services-impl';
import { accountStatus, enable, maintainAccount, revoke } from './accounts';
import { exportAccountBackup, importAccountBackup } from './backup-ops';
import { makeHarness, type Harness } from './flow-harness';
import { MemoryArea } from '../storage/kv';
import { acceptChange } from '../contacts/tofu';
import { contactByAcct } from '../contacts/resolver';

let fed: Federation;
/** The federation's domains (a.test) have no host: WebFinger goes to each instance's origin. */
const webfingerOrigin = (domain: string): string => fed.instances[domain]?.origin ?? `https://${domain}`;
let a: Instance;
let b: Instance;
let alice: Harness;
let bob: Harness;
const clock = { now: 1_800_000_000 };
/** A message bob signed with his real key, kept to check it still verifies after a key change. */
let oldMessage: string[] = [];

async function setFields(inst: Instance, user: string, fields: { name: string; value: string }[]): Promise<void> {
  const u = inst.users[user];
  if (!u) throw new Error('no user');
  const res = await fetch(`${inst.origin}/api/v1/accounts/update_credentials`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fields_attributes: fields }),
  });
  expect(res.ok).toBe(true);
}

async function sourceFields(inst: Instance, user: string): Promise<{ name: string; value: string }[]> {
  const res = await fetch(`${inst.origin}/api/v1/accounts/verify_credentials`, {
    headers: { authorization: `Bearer ${inst.users[user]?.token ?? ''}` },
  });
  const j = (await res.json()) as { source: { fields: { name: string; value: string }[] } };
  return j.source.fields.map((f) => ({ name: f.name, value: f.value }));
}

beforeAll(async () => {
  fed = await startFederation({ dataDir: mkdtempSync(join(tmpdir(), 'hush-keys-')), buildWeb: false });
  a = fed.instances['a.test'] as Instance;
  b = fed.instances['b.test'] as Instance;
  alice = makeHarness({ origin: a.origin, accountId: a.users.alice?.id ?? '' }, a.users.alice?.token ?? '', {
    clock,
    webfingerOrigin,
  });
  bob = makeHarness({ origin: b.origin, accountId: b.users.bob?.id ?? '' }, b.users.bob?.token ?? '', {
    clock,
    webfingerOrigin,
  });
  await alice.rt.init();
  await bob.rt.init();
});
afterAll(async () => {
  await fed.stop();
});

describe('key life cycle across two instances', () => {
  const theirFields = [
    { name: 'Pronouns', value: 'she/her' },
    { name: 'Web', value: 'https://example.org/~alice' },
    { name: 'Motto', value: '  <b>not html</b> & "quotes" 🎉 ' },
  ];

  it('alice enables: her three other fields are written back byte for byte', async () => {
    await setFields(a, 'alice', theirFields);
    const before = await sourceFields(a, 'alice');
    const r = await enable(alice.rt, alice.ref, null);
    expect(r.result).toBe('enabled');
    const after = await sourceFields(a, 'alice');
    expect(after.slice(0, 3)).toEqual(before);
    expect(after[3]?.name).toBe('Hush');
    expect(after[3]?.value).toMatch(/^Hush encryption key [A-Za-z0-9_-]+$/);
    const status = await accountStatus(alice.rt, alice.ref);
    expect(status).toMatchObject({
      state: 'enabled',
      acct: 'alice@a.test',
      publish: { publishedEpoch: 0, pending: false, failing: false },
    });
  });

  it('bob enables', async () => {
    expect((await enable(bob.rt, bob.ref, null)).result).toBe('enabled');
  });

  it('each discovers the other across instances and they exchange a message both ways', async () => {
    const forBob = await checkRecipients(alice.rt, alice.ref, ['@bob@b.test']);
    expect(forBob).toMatchObject({
      account: 'ready',
      recipients: [{ kind: 'ready', acct: 'bob@b.test', trust: 'unverified' }],
    });
    const sent = await encrypt(alice.rt, alice.ref, {
      recipients: ['bob@b.test'],
      plaintext: 'hello bob',
      replyTo: null,
      maxChars: 500,
    });
    if (!sent.ok) throw new Error(sent.message);
    expect(sent.statuses[0]).toMatch(/^@bob@b\.test \[Hush encrypted message\] /);
    const got = await decrypt(bob.rt, bob.ref, {
      author: { acct: 'alice@a.test', actorUri: null },
      mentions: ['bob'],
      chunks: sent.statuses.map((text, i) => ({ statusId: String(i), text })),
    });
    expect(got).toMatchObject({ ok: true, plaintext: 'hello bob', messageId: sent.messageId });
    if (!got.ok) throw new Error(got.message);
    // Trust is not part of the result: the contacts say it, each time a message is shown.
    expect(await senderTrust(bob.rt, bob.ref, got.sender, got.createdAt)).toMatchObject({
      kind: 'unverified',
      acct: 'alice@a.test',
    });
    // Alice reads her own sent message too (her wrap).
    const own = await decrypt(alice.rt, alice.ref, {
      author: { acct: 'alice', actorUri: null },
      mentions: ['bob@b.test'],
      chunks: sent.statuses.map((text, i) => ({ statusId: String(i), text })),
    });
    expect(own).toMatchObject({ ok: true, plaintext: 'hello bob' });
    const back = await encrypt(bob.rt, bob.ref, {
      recipients: ['alice@a.test'],
      plaintext: 'hi alice',
      replyTo: sent.messageId,
      maxChars: 500,
    });
    if (!back.ok) throw new Error(back.message);
    const read = await decrypt(alice.rt, alice.ref, {
      author: { acct: 'bob@b.test', actorUri: null },
      mentions: ['alice'],
      chunks: back.statuses.map((text, i) => ({ statusId: String(i), text })),
    });
    expect(read).toMatchObject({ ok: true, plaintext: 'hi alice', replyTo: sent.messageId });
    oldMessage = [...back.statuses];
    // Decryption is a function of the chunks and the pinned keys: a re-delivery under a new status
    // id decrypts the same; the reader flags it as replayed (overlay/reading.test.ts).
    const again = {
      author: { acct: 'bob@b.test', actorUri: null },
      mentions: ['alice'],
      chunks: back.statuses.map((text) => ({ statusId: 'replayed-1', text })),
    };
    expect(await decrypt(alice.rt, alice.ref, again)).toMatchObject({ ok: true, plaintext: 'hi alice' });
  });

  it("a key swapped on alice's instance only is a disagreement naming both instances, and blocks sending", async () => {
    const fake = createIdentity(b.users.bob?.acct ?? '', (await contactByAcct(alice.rt, 'bob@b.test'))?.actorUri ?? '');
    await a.adversary.swapRemoteField('bob@b.test', 'Hush', fake.field);
    clock.now += 3600; // past the contact cache
    const check = await checkRecipients(alice.rt, alice.ref, ['bob@b.test']);
    expect(check.recipients[0]).toEqual({
      kind: 'disagreement',
      acct: 'bob@b.test',
      homeInstance: a.origin,
      originInstance: b.origin,
    });
    const blocked = await encrypt(alice.rt, alice.ref, {
      recipients: ['bob@b.test'],
      plaintext: 'x',
      replyTo: null,
      maxChars: 500,
    });
    expect(blocked.ok).toBe(false);

    // Then b.test (bob's own instance) serves the same fake key: both agree, TOFU reports a key change.
    await b.adversary.setLocalField('bob', 'Hush', fake.field);
    clock.now += 3600;
    const changed = await checkRecipients(alice.rt, alice.ref, ['bob@b.test']);
    expect(changed.recipients[0]).toEqual({ kind: 'key_changed', acct: 'bob@b.test' });
    const still = await encrypt(alice.rt, alice.ref, {
      recipients: ['bob@b.test'],
      plaintext: 'x',
      replyTo: null,
      maxChars: 500,
    });
    expect(still).toMatchObject({ ok: false, recipients: [{ kind: 'key_changed', acct: 'bob@b.test' }] });
    const c = await contactByAcct(alice.rt, 'bob@b.test');
    expect(c?.pendingChange?.servedBy).toEqual([a.origin, b.origin]);
    // Accepting unblocks (the user's decision; the popup does this through keys/key-change-resolve).
    if (c === null) throw new Error('no contact');
    await alice.rt.store.exclusive(() => alice.rt.store.putContact(acceptChange(c, clock.now)));
    const ok = await checkRecipients(alice.rt, alice.ref, ['bob@b.test']);
    expect(ok.recipients[0]).toMatchObject({ kind: 'ready', trust: 'unverified' });
    // A message bob signed with his earlier key still verifies, shown as that (old) key.
    const old = await decrypt(alice.rt, alice.ref, {
      author: { acct: 'bob@b.test', actorUri: null },
      mentions: ['alice'],
      chunks: oldMessage.map((text, i) => ({ statusId: String(i), text })),
    });
    expect(old).toMatchObject({ ok: true, plaintext: 'hi alice', sender: { fingerprint: c.pinned.fingerprint } });
    if (!old.ok) throw new Error(old.message);
    expect((await senderTrust(alice.rt, alice.ref, old.sender, old.createdAt)).kind).toBe('key_changed');
  });

  it('rotation advances the epoch, publishes it, and old prekey secrets disappear after the grace window', async () => {
    const settings = await alice.rt.store.settings();
    clock.now += settings.rotationPeriodSeconds;
    expect(await maintainAccount(alice.rt, alice.ref)).toBe('ok');
    let s = await accountStatus(alice.rt, alice.ref);
    expect(s.publish).toMatchObject({ currentEpoch: 1, publishedEpoch: 1, pending: false });
    expect((await sourceFields(a, 'alice'))[3]?.value).toMatch(/^Hush encryption key /);
    const rec = await alice.rt.account(alice.ref);
    expect(rec?.chainInfo.oldestEpoch).toBe(0);
    clock.now += settings.graceSeconds + settings.rotationPeriodSeconds;
    expect(await maintainAccount(alice.rt, alice.ref)).toBe('ok');
    // The prekey that was published while rotating is kept until the new one is published...
    expect((await alice.rt.account(alice.ref))?.chainInfo.oldestEpoch).toBe(1);
    // ...and goes at the next run, once it is past the grace window and no longer published.
    expect(await maintainAccount(alice.rt, alice.ref)).toBe('ok');
    const after = await alice.rt.account(alice.ref);
    expect(after?.chainInfo.oldestEpoch).toBeGreaterThan(1);
    const m = await alice.rt.material(after ?? (null as never));
    if (!m.ok) throw new Error('no material');
    expect(m.material.chain.retained.map((r) => r.epoch)).not.toContain(0);
    s = await accountStatus(alice.rt, alice.ref);
    expect(s.publish?.publishedEpoch).toBe(s.publish?.currentEpoch);
  });

  it('a failed publish keeps the keys, is retried, and reports failing after repeated failures', async () => {
    const settings = await alice.rt.store.settings();
    alice.tokenAvailable = false;
    clock.now += settings.rotationPeriodSeconds;
    // No tab open: waiting, told why, but not "failing".
    for (let i = 0; i < 3; i++) expect(await maintainAccount(alice.rt, alice.ref)).toBe('publish_failed');
    expect((await accountStatus(alice.rt, alice.ref)).publish).toMatchObject({
      pending: true,
      failing: false,
      lastError: expect.stringMatching(/open a tab/),
    });
    // The instance refuses the update: that is a failure, and after 3 the user is told.
    alice.tokenAvailable = true;
    const broken = makeHarness(alice.ref, 'not-the-token', { clock, local: alice.local, webfingerOrigin });
    for (let i = 0; i < 3; i++) expect(await maintainAccount(broken.rt, alice.ref)).toBe('publish_failed');
    const s = await accountStatus(alice.rt, alice.ref);
    expect(s.publish).toMatchObject({ pending: true, failing: true, lastError: 'HTTP 401' });
    expect(await maintainAccount(alice.rt, alice.ref)).toBe('ok');
    expect((await accountStatus(alice.rt, alice.ref)).publish).toMatchObject({ pending: false, failing: false });
  });

  it('backup -> import in a second browser decrypts a message sent to the first', async () => {
    const exp = await exportAccountBackup(alice.rt, alice.ref);
    if (exp.result !== 'ok') throw new Error(exp.message);
    const second = makeHarness(alice.ref, a.users.alice?.token ?? '', { clock, webfingerOrigin });
    await second.rt.init();
    const actorUri = (await alice.rt.account(alice.ref))?.actorUri ?? null;
    const wrong = await importAccountBackup(
      second.rt,
      second.ref,
      exp.contents,
      'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA',
      false,
      actorUri,
      'alice@a.test',
    );
    expect(wrong.result).toBe('wrong_code_or_corrupt');
    expect(await second.rt.account(second.ref)).toBeNull();
    const imp = await importAccountBackup(
      second.rt,
      second.ref,
      exp.contents,
      exp.recoveryCode,
      false,
      actorUri,
      'alice@a.test',
    );
    expect(imp.result).toBe('imported');
    expect((await second.rt.account(second.ref))?.identityPk).toBe((await alice.rt.account(alice.ref))?.identityPk);
    // Bob's rotation republishes his real key over the adversary's; alice's first browser sees a
    // key change again (she had accepted the fake one) and the user accepts the real key back.
    expect(await maintainAccount(bob.rt, bob.ref)).toBe('ok');
    // The test federation does not push profile Updates: make a.test re-fetch bob (as an Update would).
    await fetch(`${a.origin}/api/v2/search?q=${encodeURIComponent('@bob@b.test')}&resolve=true&type=accounts`, {
      headers: { authorization: `Bearer ${a.users.alice?.token ?? ''}` },
    });
    clock.now += 3600;
    expect((await checkRecipients(alice.rt, alice.ref, ['bob@b.test'])).recipients[0]).toMatchObject({
      kind: 'key_changed',
    });
    const c = await contactByAcct(alice.rt, 'bob@b.test');
    if (c === null) throw new Error('no contact');
    await alice.rt.store.exclusive(() => alice.rt.store.putContact(acceptChange(c, clock.now)));
    expect((await contactByAcct(alice.rt, 'bob@b.test'))?.history).toHaveLength(2);
    const msg = await encrypt(bob.rt, bob.ref, {
      recipients: ['alice@a.test'],
      plaintext: 'to both browsers',
      replyTo: null,
      maxChars: 500,
    });
    if (!msg.ok) throw new Error(msg.message);
    const chunks = msg.statuses.map((text, i) => ({ statusId: String(i), text }));
    const req = { author: { acct: 'bob@b.test', actorUri: null }, mentions: ['alice'], chunks };
    expect(await decrypt(second.rt, second.ref, req)).toMatchObject({ ok: true, plaintext: 'to both browsers' });
    expect(await decrypt(alice.rt, alice.ref, req)).toMatchObject({ ok: true, plaintext: 'to both browsers' });
  });

  it('with all four fields taken, enabling asks which to give up and replaces only that one', async () => {
    const carolFields = ['One', 'Two', 'Three', 'Four'].map((n) => ({ name: n, value: `${n.toLowerCase()} value` }));
    await setFields(a, 'carol', carolFields);
    const carol = makeHarness({ origin: a.origin, accountId: a.users.carol?.id ?? '' }, a.users.carol?.token ?? '', {
      clock,
      webfingerOrigin,
    });
    await carol.rt.init();
    const ask = await enable(carol.rt, carol.ref, null);
    expect(ask).toEqual({ result: 'fields_full', fields: carolFields.map((f, index) => ({ index, name: f.name })) });
    expect(await carol.rt.account(carol.ref)).toBeNull(); // nothing generated before the user chose
    expect(await sourceFields(a, 'carol')).toEqual(carolFields);
    expect((await enable(carol.rt, carol.ref, 1)).result).toBe('enabled');
    const now = await sourceFields(a, 'carol');
    expect(now.map((f) => f.name)).toEqual(['One', 'Hush', 'Three', 'Four']);
    expect([now[0], now[2], now[3]]).toEqual([carolFields[0], carolFields[2], carolFields[3]]);
    // A local contact (same instance) is found through the single path.
    expect((await checkRecipients(alice.rt, alice.ref, ['@carol'])).recipients[0]).toMatchObject({
      kind: 'ready',
      acct: 'carol@a.test',
    });
  });

  it('revocation: bob revokes, alice stops encrypting to him and says why', async () => {
    const r = await revoke(bob.rt, bob.ref, 'compromised');
    expect(r).toMatchObject({ result: 'revoked', status: { state: 'revoked' } });
    expect((await sourceFields(b, 'bob')).find((f) => f.name === 'Hush')?.value).toMatch(/^Hush key revoked /);
    await fetch(`${a.origin}/api/v2/search?q=${encodeURIComponent('@bob@b.test')}&resolve=true&type=accounts`, {
      headers: { authorization: `Bearer ${a.users.alice?.token ?? ''}` },
    });
    clock.now += 3600;
    const check = await checkRecipients(alice.rt, alice.ref, ['bob@b.test']);
    expect(check.recipients[0]).toEqual({ kind: 'revoked', acct: 'bob@b.test' });
    expect((await contactByAcct(alice.rt, 'bob@b.test'))?.revoked).toMatchObject({ reason: 'compromised' });
    expect(
      await encrypt(bob.rt, bob.ref, { recipients: ['alice@a.test'], plaintext: 'x', replyTo: null, maxChars: 500 }),
    ).toMatchObject({ ok: false, account: 'revoked' });
  });

  it("mention completion asks alice's own instance: full handles, a key only where Hush already holds a usable one", async () => {
    const ca = await searchAccounts(alice.rt, alice.ref, 'ca');
    expect(ca).toContainEqual({ acct: 'carol@a.test', hasKey: true }); // local account: the domain is added
    const bo = await searchAccounts(alice.rt, alice.ref, 'bo');
    // bob revoked his key above: known to a.test, but no usable key.
    expect(bo).toContainEqual({ acct: 'bob@b.test', hasKey: false });
    expect(await searchAccounts(alice.rt, alice.ref, 'nobody-like-this')).toEqual([]);
  });
});

describe('a worker stopped in the middle of a rotation', () => {
  it('at each storage write of the rotation: a new worker over what was stored ends rotated and published, and reads messages to the old and the new prekey', async () => {
    const dave = makeHarness({ origin: b.origin, accountId: b.users.dave?.id ?? '' }, b.users.dave?.token ?? '', {
      clock,
      webfingerOrigin,
    });
    await dave.rt.init();
    expect((await enable(dave.rt, dave.ref, null)).result).toBe('enabled');
    const daveBefore = new Map(dave.local.data); // dave as he was before he looked alice up
    const token = a.users.alice?.token ?? '';
    const fromDave = async (text: string) => {
      // A dave who has not cached alice's bundle yet, so he encrypts to what alice published last.
      const local = new MemoryArea();
      for (const [k, v] of daveBefore) local.data.set(k, v);
      const d = makeHarness(dave.ref, b.users.dave?.token ?? '', { clock, local, webfingerOrigin });
      await d.rt.init();
      const m = await encrypt(d.rt, d.ref, {
        recipients: ['alice@a.test'],
        plaintext: text,
        replyTo: null,
        maxChars: 500,
      });
      if (!m.ok) throw new Error(m.message);
      return {
        author: { acct: 'dave@b.test', actorUri: null },
        mentions: ['alice'],
        chunks: m.statuses.map((t, i) => ({ statusId: `${text}#${i}`, text: t })),
      };
    };
    const beforeRotation = await fromDave('sent before the rotation');
    const { rotationPeriodSeconds } = await alice.rt.store.settings();
    clock.now += rotationPeriodSeconds; // alice's next rotation is due

    let cuts = 0;
    for (let cut = 1; cut <= 10; cut++) {
      // The storage as the stopped worker left it: writes before the cut landed, the cut and later ones did not.
      const stored = new MemoryArea();
      for (const [k, v] of alice.local.data) stored.data.set(k, v);
      let writes = 0;
      const write = stored.set.bind(stored);
      stored.set = (items) => (++writes >= cut ? Promise.reject(new Error('the worker was stopped')) : write(items));
      const dying = makeHarness(alice.ref, token, { clock, local: stored, webfingerOrigin });
      const died = await dying.rt
        .init()
        .then(() => maintainAccount(dying.rt, dying.ref))
        .then(
          () => writes >= cut,
          () => true,
        );
      if (!died) break; // the whole rotation fits in fewer writes: every cut point was tried
      cuts++;
      stored.set = write;
      const next = makeHarness(alice.ref, token, { clock, local: stored, webfingerOrigin }); // the restarted worker
      await next.rt.init();
      expect(await maintainAccount(next.rt, next.ref)).toBe('ok');
      const status = await accountStatus(next.rt, next.ref);
      expect(status.publish?.pending).toBe(false);
      expect(status.publish?.publishedEpoch).toBe(status.publish?.currentEpoch);
      expect(await decrypt(next.rt, next.ref, beforeRotation)).toMatchObject({
        ok: true,
        plaintext: 'sent before the rotation',
      });
      const after = await fromDave(`sent after a stop at write ${cut}`);
      expect(await decrypt(next.rt, next.ref, after)).toMatchObject({
        ok: true,
        plaintext: `sent after a stop at write ${cut}`,
      });
    }
    expect(cuts).toBeGreaterThan(0);
  });
});
