/**
 * Issue #21 against the resolver, end to end over fake instances: a malicious home instance
 * rewrites what it answers for a known handle. Each test reproduces an attack that worked on the
 * old code, then checks the invariant (one handle = one actor URI = one key; revoked keys stay
 * dead; a stripped key is loud, never "no key").
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createChain,
  encodeRevocation,
  fingerprint,
  generateIdentity,
  init,
  parseRevocation,
} from '../../protocol/index';
import { checkRecipients, encrypt, senderTrust } from '../keys/services-impl';
import { makeHarness, type Harness } from '../keys/flow-harness';
import { activeAccount } from '../keys/flow-fixtures';
import { b64 } from '../../messaging/encoding';
import type { AccountRecord, Contact } from '../storage/schema';
import { cachedCopy, fakeWorld, hushField, type FakeAccount, type FakeWorld } from './fake-world';
import { contactByAcct, resolveContact } from './resolver';
import { acceptChange, acceptIdentityChange, markVerified } from './tofu';

beforeAll(init);

const HOME = 'https://home.test';
let world: FakeWorld;
let h: Harness;
let me: AccountRecord;

async function setup(): Promise<void> {
  world = fakeWorld();
  world.instance('home.test');
  h = makeHarness({ origin: HOME, accountId: '1' }, 'token-123456', { fetch: (u, i) => world.fetch(u, i) });
  await h.rt.init();
  const identity = generateIdentity(`${HOME}/users/alice`);
  const chain = createChain(h.clock.now);
  me = activeAccount({ origin: HOME, accountId: '1' }, 'alice@home.test', identity, chain, h.clock.now);
  await h.rt.store.putAccount(me);
}

/** carol@a.test, known to the home instance, pinned and verified by the user. */
async function verifiedCarol() {
  const carol = world.person('a.test', 'carol');
  world.instance('home.test').accounts.set('carol@a.test', cachedCopy(carol.account, 'a.test'));
  const r = await resolveContact(h.rt, me, 'carol@a.test');
  expect(r).toMatchObject({ ok: true, contact: { acct: 'carol@a.test', actorUri: carol.uri } });
  const c = r.contact as Contact;
  const verified = markVerified(c, c.pinned.fingerprint, h.clock.now) as Contact;
  await h.rt.store.exclusive(() => h.rt.store.putContact(verified));
  return { carol, contact: verified };
}

const later = () => {
  h.clock.now += 3600; // past the contact cache
};
const carols = async () => (await h.rt.store.contacts()).filter((c) => c.acct.toLowerCase() === 'carol@a.test');

beforeEach(setup);

describe("issue #21 invariant 1: a handle's identity never changes silently", () => {
  it('home re-points a verified contact at an ordinary account on another, honest instance: blocked, never a second carol', async () => {
    const { carol, contact } = await verifiedCarol();
    const mallory = world.person('c.test', 'mallory');
    // The home instance rewrites uri/url (and username) for carol@a.test to mallory's actor on c.test.
    world.instance('home.test').accounts.set('carol@a.test', { ...mallory.account, acct: 'carol@a.test' });
    later();
    const r = await resolveContact(h.rt, me, 'carol@a.test');
    expect(r.ok).toBe(false);
    expect(await carols()).toHaveLength(1);
    expect((await contactByAcct(h.rt, 'carol@a.test'))?.pinned).toEqual(contact.pinned);
    const check = await checkRecipients(h.rt, h.ref, ['carol@a.test']);
    expect(check.recipients[0]?.kind).not.toBe('ready');
    const sent = await encrypt(h.rt, h.ref, {
      recipients: ['carol@a.test'],
      plaintext: 'for carol only',
      replyTo: null,
      maxChars: 500,
    });
    expect(sent.ok).toBe(false);
    expect(carol.uri).toBe('https://a.test/users/carol');
  });

  it('home re-points the handle at an actor of its own (on a server it runs, which lies too): WebFinger at a.test refuses it', async () => {
    const { contact } = await verifiedCarol();
    const evil = world.person('evil.test', 'carol');
    const evilInst = world.instance('evil.test');
    // The attacker's server answers for carol@a.test on every path the old code asked it.
    evilInst.accounts.set('carol@a.test', evil.account);
    evilInst.webfinger.set('carol@a.test', evil.uri);
    world.instance('home.test').accounts.set('carol@a.test', { ...evil.account, acct: 'carol@a.test' });
    later();
    const r = await resolveContact(h.rt, me, 'carol@a.test');
    expect(r).toMatchObject({
      ok: false,
      problem: { kind: 'disagreement', acct: 'carol@a.test', homeInstance: HOME, originInstance: 'https://a.test' },
    });
    expect(await carols()).toHaveLength(1);
    expect((await contactByAcct(h.rt, 'carol@a.test'))?.pinned).toEqual(contact.pinned);
  });

  it('first contact too: an actor WebFinger does not confirm is never pinned', async () => {
    world.person('a.test', 'carol');
    const evil = world.person('evil.test', 'carol');
    world.instance('evil.test').accounts.set('carol@a.test', evil.account);
    world.instance('home.test').accounts.set('carol@a.test', { ...evil.account, acct: 'carol@a.test' });
    const r = await resolveContact(h.rt, me, 'carol@a.test');
    expect(r.ok).toBe(false);
    expect(await h.rt.store.contacts()).toHaveLength(0);
  });

  it('every instance must answer for the handle asked: another acct from home or origin is refused', async () => {
    const carol = world.person('a.test', 'carol');
    const home = world.instance('home.test');
    home.accounts.set('carol@a.test', { ...cachedCopy(carol.account, 'a.test'), acct: 'mallory@a.test' });
    expect((await resolveContact(h.rt, me, 'carol@a.test')).ok).toBe(false);
    // The origin answering with a remote copy (not its own account) is refused too.
    home.accounts.set('carol@a.test', cachedCopy(carol.account, 'a.test'));
    world.instance('a.test').accounts.set('carol@a.test', { ...carol.account, acct: 'carol@c.test' });
    expect((await resolveContact(h.rt, me, 'carol@a.test')).ok).toBe(false);
    expect(await h.rt.store.contacts()).toHaveLength(0);
  });

  it('a real move (every instance and WebFinger agree on a new actor) is a blocked identity change with both sides, until accepted', async () => {
    const { carol, contact } = await verifiedCarol();
    // a.test now says carol@a.test is another actor with another key.
    const moved = generateIdentity('https://a.test/users/carol2');
    const account = {
      username: 'carol',
      acct: 'carol',
      uri: moved.actorUri,
      url: 'https://a.test/@carol',
      fields: [{ name: 'Hush', value: hushField(moved) }],
    };
    world.instance('a.test').accounts.set('carol@a.test', account);
    world.instance('home.test').accounts.set('carol@a.test', cachedCopy(account, 'a.test'));
    later();
    const r = await resolveContact(h.rt, me, 'carol@a.test');
    expect(r).toMatchObject({ ok: false, problem: { kind: 'identity_changed', acct: 'carol@a.test' } });
    const stored = await carols();
    expect(stored).toHaveLength(1);
    const c = stored[0] as Contact;
    // The old side is the contact as pinned; the new side is what discovery confirmed, with who served it.
    expect(c).toMatchObject({
      actorUri: carol.uri,
      acct: 'carol@a.test',
      pinned: contact.pinned,
      servedBy: [HOME, 'https://a.test'],
    });
    expect(c.identityChange).toMatchObject({
      acct: 'carol@a.test',
      actorUri: moved.actorUri,
      identityPk: b64(moved.publicKey),
      servedBy: [HOME, 'https://a.test'],
      keptBlocked: false,
    });
    expect((await checkRecipients(h.rt, h.ref, ['carol@a.test'])).recipients[0]).toEqual({
      kind: 'identity_changed',
      acct: 'carol@a.test',
    });
    // Accepting re-binds the handle to the new actor, unverified; nothing else holds the handle.
    const next = acceptIdentityChange(c, h.clock.now);
    expect(next).not.toBeNull();
    await h.rt.store.exclusive(() => h.rt.store.rebindContact(c.actorUri, next as Contact));
    const after = await checkRecipients(h.rt, h.ref, ['carol@a.test']);
    expect(after.recipients[0]).toMatchObject({ kind: 'ready', actorUri: moved.actorUri, trust: 'unverified' });
    expect(await carols()).toHaveLength(1);
  });

  it('a lookup rewrite cannot relabel a genuine contact with another handle', async () => {
    const { carol } = await verifiedCarol();
    world.person('b.test', 'dave');
    // Home answers dave@b.test with carol's actor (and carol's genuine key).
    world.instance('home.test').accounts.set('dave@b.test', { ...carol.account, acct: 'dave@b.test' });
    later();
    const r = await resolveContact(h.rt, me, 'dave@b.test');
    expect(r.ok).toBe(false);
    const all = await h.rt.store.contacts();
    expect(all.map((c) => c.acct)).toEqual(['carol@a.test']);
    expect(all[0]?.identityChange).toBeNull();
  });

  it('a known actor showing another handle (every path agrees) is a blocked identity change on that contact, not a relabel', async () => {
    const { carol } = await verifiedCarol();
    const renamed = { ...carol.account, username: 'carolyn', acct: 'carolyn', url: 'https://a.test/@carolyn' };
    world.instance('a.test').accounts.set('carolyn@a.test', renamed);
    world.instance('home.test').accounts.set('carolyn@a.test', cachedCopy(renamed, 'a.test'));
    const r = await resolveContact(h.rt, me, 'carolyn@a.test');
    expect(r).toMatchObject({ ok: false, problem: { kind: 'identity_changed', acct: 'carolyn@a.test' } });
    const all = await h.rt.store.contacts();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      acct: 'carol@a.test',
      pinned: { trust: 'verified' },
      identityChange: { acct: 'carolyn@a.test', actorUri: carol.uri },
    });
    // carol@a.test itself is blocked while the binding is under review.
    later();
    expect((await checkRecipients(h.rt, h.ref, ['carol@a.test'])).recipients[0]).toEqual({
      kind: 'identity_changed',
      acct: 'carol@a.test',
    });
  });
});

describe('issue #21 invariant 2: a revoked key is dead', () => {
  it('a key revoked as compromised, served again after the owner moved on, is never offered as a key change', async () => {
    const { carol } = await verifiedCarol();
    const a = world.instance('a.test');
    const home = world.instance('home.test');
    const serve = (value: string) => {
      const acc = { ...carol.account, fields: [{ name: 'Hush', value }] };
      a.accounts.set('carol@a.test', acc);
      home.accounts.set('carol@a.test', cachedCopy(acc, 'a.test'));
    };
    serve(encodeRevocation(carol.identity, h.clock.now, 'compromised'));
    later();
    expect(await resolveContact(h.rt, me, 'carol@a.test')).toMatchObject({ ok: false, problem: { kind: 'revoked' } });
    const next = generateIdentity(carol.uri);
    serve(hushField(next, 1, 7));
    later();
    const changed = await resolveContact(h.rt, me, 'carol@a.test');
    expect(changed).toMatchObject({ ok: false, problem: { kind: 'key_changed' } });
    await h.rt.store.exclusive(() => h.rt.store.putContact(acceptChange(changed.contact as Contact, h.clock.now)));
    // The thief (or a stale cache) serves a fresh bundle of the revoked key.
    serve(hushField(carol.identity, 9, 8));
    later();
    const r = await resolveContact(h.rt, me, 'carol@a.test');
    expect(r.contact?.pendingChange).toBeNull();
    expect(r.contact?.pinned.identityPk).toBe(b64(next.publicKey));
    expect(r.contact?.history[0]).toMatchObject({
      identityPk: b64(carol.identity.publicKey),
      revoked: { reason: 'compromised' },
    });
    // Loud, not a key change: the pinned (new) key stays in use, flagged as withdrawn.
    expect((await checkRecipients(h.rt, h.ref, ['carol@a.test'])).recipients[0]).toMatchObject({
      kind: 'ready',
      warning: 'key_withdrawn',
    });
    const rev = parseRevocation(encodeRevocation(carol.identity, 1, 'compromised'), carol.uri);
    expect(rev.ok).toBe(true);
  });
});

describe('issue #21 leftovers: a revocation of a key not seen yet; dead keys are per contact (R4)', () => {
  const fp = (pk: Uint8Array) => fingerprint(pk);
  const serveFor = (who: { account: FakeAccount }, handle: string, domain: string, value: string) => {
    const acc = { ...who.account, fields: [{ name: 'Hush', value }] };
    world.instance(domain).accounts.set(handle, acc);
    world.instance('home.test').accounts.set(handle, cachedCopy(acc, domain));
  };

  it('first contact shows only a revocation: that key is never pinned later, and what it signs reads revoked', async () => {
    const dave = world.person('a.test', 'dave');
    // dave's key was stolen and revoked as compromised before the user ever looked dave up.
    serveFor(dave, 'dave@a.test', 'a.test', encodeRevocation(dave.identity, h.clock.now, 'compromised'));
    expect(await resolveContact(h.rt, me, 'dave@a.test')).toMatchObject({ ok: false, problem: { kind: 'revoked' } });
    // Later the instance (or the thief) serves the stolen key again, as an ordinary bundle.
    serveFor(dave, 'dave@a.test', 'a.test', hushField(dave.identity, 3, 5));
    later();
    const r = await resolveContact(h.rt, me, 'dave@a.test');
    // Secure: never pinned as a first contact; refused as revoked.
    expect(r).toMatchObject({ ok: false, problem: { kind: 'revoked' }, contact: null });
    expect(await contactByAcct(h.rt, 'dave@a.test')).toBeNull();
    const stolen = { actorUri: dave.uri, fingerprint: fp(dave.identity.publicKey) };
    expect((await senderTrust(h.rt, h.ref, stolen, h.clock.now)).kind).toBe('revoked');
    // dave sets Hush up again: the new key is pinned, and the revoked one stays dead with it.
    const next = generateIdentity(dave.uri);
    serveFor(dave, 'dave@a.test', 'a.test', hushField(next, 1, 6));
    later();
    const fresh = await resolveContact(h.rt, me, 'dave@a.test');
    expect(fresh).toMatchObject({ ok: true, contact: { pinned: { identityPk: b64(next.publicKey) } } });
    expect((await senderTrust(h.rt, h.ref, stolen, h.clock.now)).kind).toBe('revoked');
    serveFor(dave, 'dave@a.test', 'a.test', hushField(dave.identity, 4, 7));
    later();
    const again = await resolveContact(h.rt, me, 'dave@a.test');
    expect(again.contact?.pendingChange ?? null).toBeNull();
    expect(again.contact?.pinned.identityPk).toBe(b64(next.publicKey));
  });

  it('a pinned contact whose profile shows the revocation of a key not seen yet: that key, served later, is no key change', async () => {
    const { carol } = await verifiedCarol();
    const thief = generateIdentity(carol.uri);
    serveFor(carol, 'carol@a.test', 'a.test', encodeRevocation(thief, h.clock.now, 'compromised'));
    later();
    await resolveContact(h.rt, me, 'carol@a.test');
    serveFor(carol, 'carol@a.test', 'a.test', hushField(thief, 2, 9));
    later();
    const r = await resolveContact(h.rt, me, 'carol@a.test');
    // Secure: not offered to the user as a key change to accept (accepting would pin the stolen key).
    expect(r.contact?.pendingChange ?? null).toBeNull();
    expect(r.contact?.pinned.identityPk).toBe(b64(carol.identity.publicKey));
    expect(r.contact?.withdrawn).toMatchObject({ kind: 'dead_key' });
  });

  it("R4: a revocation in carol's profile never kills bob's key", async () => {
    await verifiedCarol();
    const bob = world.person('b.test', 'bob');
    world.instance('home.test').accounts.set('bob@b.test', cachedCopy(bob.account, 'b.test'));
    expect(await resolveContact(h.rt, me, 'bob@b.test')).toMatchObject({ ok: true });
    const bobKey = { actorUri: bob.uri, fingerprint: fp(bob.identity.publicKey) };
    const before = await senderTrust(h.rt, h.ref, bobKey, h.clock.now);
    const carol = (await contactByAcct(h.rt, 'carol@a.test')) as Contact;
    const carolAccount = { account: world.instance('a.test').accounts.get('carol@a.test') as FakeAccount };
    // 1. bob's genuine revocation (for bob's actor) served in carol's profile; 2. a revocation of
    // bob's key made for carol's actor (only the key's holder can sign it, e.g. one person with two
    // accounts on one key): each is about carol's actor only.
    for (const value of [
      encodeRevocation(bob.identity, h.clock.now, 'compromised'),
      encodeRevocation({ ...bob.identity, actorUri: carol.actorUri }, h.clock.now, 'compromised'),
    ]) {
      serveFor(carolAccount, 'carol@a.test', 'a.test', value);
      later();
      await resolveContact(h.rt, me, 'carol@a.test');
      const b = await resolveContact(h.rt, me, 'bob@b.test', { refresh: true });
      expect(b).toMatchObject({ ok: true, contact: { pinned: { identityPk: b64(bob.identity.publicKey) } } });
      expect(b.contact?.deadKeys).toEqual([]);
      expect(await senderTrust(h.rt, h.ref, bobKey, h.clock.now)).toEqual(before);
    }
  });
});

describe('issue #21 invariant 5: a downgrade is loud', () => {
  it('a key field stripped from a pinned contact: still ready, "key withdrawn", encryption stays on; restored clears it', async () => {
    const { carol } = await verifiedCarol();
    const a = world.instance('a.test');
    const home = world.instance('home.test');
    const setFields = (fields: { name: string; value: string }[]) => {
      const acc = { ...carol.account, fields };
      a.accounts.set('carol@a.test', acc);
      home.accounts.set('carol@a.test', cachedCopy(acc, 'a.test'));
    };
    for (const fields of [[], [{ name: 'Hush', value: 'Hush encryption key AAAA-broken' }]]) {
      setFields(fields);
      later();
      const check = await checkRecipients(h.rt, h.ref, ['carol@a.test']);
      expect(check.recipients[0]).toMatchObject({
        kind: 'ready',
        acct: 'carol@a.test',
        trust: 'verified',
        warning: 'key_withdrawn',
      });
      const sent = await encrypt(h.rt, h.ref, {
        recipients: ['carol@a.test'],
        plaintext: 'still encrypted',
        replyTo: null,
        maxChars: 500,
      });
      expect(sent.ok).toBe(true);
    }
    setFields([{ name: 'Hush', value: carol.field }]);
    later();
    expect((await checkRecipients(h.rt, h.ref, ['carol@a.test'])).recipients[0]).toMatchObject({
      kind: 'ready',
      warning: null,
    });
  });
});

describe('issue #21 invariant 6: bounded network', () => {
  it('checks many recipients concurrently, at most 4 lookups in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const base = world;
    h = makeHarness({ origin: HOME, accountId: '1' }, 'token-123456', {
      local: h.local,
      fetch: async (u, i) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        try {
          return await base.fetch(u, i);
        } finally {
          inFlight--;
        }
      },
    });
    const handles = Array.from({ length: 10 }, (_x, n) => {
      const p = base.person('a.test', `p${n}`);
      base.instance('home.test').accounts.set(`p${n}@a.test`, cachedCopy(p.account, 'a.test'));
      return `p${n}@a.test`;
    });
    const check = await checkRecipients(h.rt, h.ref, handles);
    expect(check.recipients.map((r) => r.kind)).toEqual(handles.map(() => 'ready'));
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
  });
});
