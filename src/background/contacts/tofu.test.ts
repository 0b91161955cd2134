import { beforeAll, describe, expect, it } from 'vitest';
import {
  createChain,
  currentPrekey,
  encodeBundle,
  encodeRevocation,
  generateIdentity,
  init,
  parseBundle,
  parseRevocation,
  type Identity,
} from '../../protocol/index';
import type { KeyMaterial } from '../network/discovery';
import {
  acceptChange,
  acceptIdentityChange,
  contactState,
  contactStatus,
  contactTrust,
  identityDecisionFingerprint,
  keepBlocked,
  keepOldIdentity,
  markVerified,
  observe,
  proposeIdentityChange,
} from './tofu';
import type { Contact } from '../storage/schema';

const URI = 'https://b.test/users/bob';
beforeAll(init);

function bundle(id: Identity, epoch: number, seed = 0): KeyMaterial {
  const pre = currentPrekey(createChain(1_800_000_000 + seed)).publicKey;
  const p = parseBundle(encodeBundle(id, epoch, pre));
  if (!p.ok) throw new Error('bundle');
  return { kind: 'bundle', bundle: p.value };
}
const obs = (material: KeyMaterial, at = 100) => ({
  actorUri: URI,
  acct: 'bob@b.test',
  material,
  servedBy: ['https://a.test', 'https://b.test'],
  at,
});

function pinned(id: Identity, epoch = 2): Contact {
  const r = observe(null, obs(bundle(id, epoch)));
  expect(r.event).toBe('pinned');
  return r.contact as Contact;
}

describe('TOFU contact state machine', () => {
  it('pins the first key seen, unverified and ready', () => {
    const c = pinned(generateIdentity(URI));
    expect(contactState(c)).toBe('ready');
    expect(contactTrust(c)).toBe('unverified');
  });

  it('a newer epoch of the same key updates; an older one is a rollback and changes nothing', () => {
    const id = generateIdentity(URI);
    const c = pinned(id, 2);
    const e5 = bundle(id, 5, 1);
    const newer = observe(c, obs(e5));
    expect(newer.event).toBe('updated');
    expect(newer.contact?.maxEpoch).toBe(5);
    const older = observe(newer.contact, obs(bundle(id, 4, 2)));
    expect(older.event).toBe('rollback');
    expect(older.contact?.bundle).toEqual(newer.contact?.bundle);
    expect(observe(newer.contact, obs(bundle(id, 5, 3))).event).toBe('equivocation');
    expect(observe(newer.contact, obs(e5)).event).toBe('same');
  });

  it('a different identity key is a key change that blocks until accepted; the old key goes to history', () => {
    const id = generateIdentity(URI);
    const c = markVerified(pinned(id), pinned(id).pinned.fingerprint, 50) ?? pinned(id);
    const evil = generateIdentity(URI);
    const changed = observe(c, obs(bundle(evil, 0), 200));
    expect(changed.event).toBe('key_changed');
    const cc = changed.contact as Contact;
    expect(contactState(cc)).toBe('key_changed');
    expect(contactTrust(cc)).toBe('changed');
    expect(cc.pinned.identityPk).toBe(c.pinned.identityPk); // the new key is NOT used
    expect(cc.pendingChange?.servedBy).toEqual(['https://a.test', 'https://b.test']);
    // Keeping it blocked stays blocked; the user cannot "verify" around a pending change.
    expect(contactState(keepBlocked(cc))).toBe('key_changed');
    expect(markVerified(cc, cc.pinned.fingerprint, 300)).toBeNull();
    const accepted = acceptChange(cc, 300);
    expect(contactState(accepted)).toBe('ready');
    expect(accepted.pinned).toMatchObject({ trust: 'unverified', fingerprint: cc.pendingChange?.fingerprint });
    expect(accepted.history.map((h) => h.identityPk)).toEqual([c.pinned.identityPk]);
    expect(accepted.history[0]?.trust).toBe('verified');
  });

  it('verification only applies to the key that is pinned now', () => {
    const c = pinned(generateIdentity(URI));
    expect(markVerified(c, 'aaaa aaaa aaaa aaaa aaaa aaaa', 1)).toBeNull();
    expect(markVerified(c, c.pinned.fingerprint, 1)?.pinned.trust).toBe('verified');
  });

  it('a revocation signed by the pinned key revokes it for good', () => {
    const id = generateIdentity(URI);
    const c = pinned(id);
    const rev = parseRevocation(encodeRevocation(id, 500, 'compromised'), URI);
    if (!rev.ok) throw new Error('rev');
    const r = observe(c, obs({ kind: 'revocation', revocation: rev.value }));
    expect(r.event).toBe('revoked');
    expect(contactState(r.contact as Contact)).toBe('revoked');
    expect(r.contact?.revoked).toMatchObject({ revokedAt: 500, reason: 'compromised' });
    // The same key served again later (e.g. a stale cache) does not un-revoke it.
    expect(observe(r.contact, obs(bundle(id, 9))).event).toBe('revoked');
  });

  it('no key served leaves the pin alone and says the key was withdrawn (issue #21: a downgrade is loud)', () => {
    const id = generateIdentity(URI);
    const c = pinned(id);
    for (const m of [{ kind: 'none' } as const, { kind: 'invalid', reason: 'bad_signature' } as const]) {
      const r = observe(c, obs(m, 999));
      expect(r.event).toBe('withdrawn');
      expect(r.contact?.pinned).toEqual(c.pinned);
      expect(r.contact?.bundle).toEqual(c.bundle);
      expect(r.contact?.withdrawn).toMatchObject({ kind: m.kind, at: 999 });
      expect(contactState(r.contact as Contact)).toBe('ready');
      // The pinned key served again clears it.
      expect(observe(r.contact, obs(bundle(id, 3), 1000)).contact?.withdrawn).toBeNull();
    }
    expect(observe(null, obs({ kind: 'none' })).contact).toBeNull();
  });

  it('a revoked key is dead: never offered again as a key change, history keeps its revocation (issue #21)', () => {
    const old = generateIdentity(URI);
    const next = generateIdentity(URI);
    const rev = parseRevocation(encodeRevocation(old, 500, 'compromised'), URI);
    if (!rev.ok) throw new Error('rev');
    const revoked = observe(pinned(old), obs({ kind: 'revocation', revocation: rev.value }, 600)).contact as Contact;
    const offered = observe(revoked, obs(bundle(next, 0), 700));
    expect(offered.event).toBe('key_changed');
    const accepted = acceptChange(offered.contact as Contact, 800);
    expect(accepted.history[0]).toMatchObject({
      identityPk: revoked.pinned.identityPk,
      revoked: { revokedAt: 500, reason: 'compromised' },
    });
    // A fresh bundle of the revoked key: not a key change; the pinned key stays, flagged withdrawn.
    const again = observe(accepted, obs(bundle(old, 9, 4), 900));
    expect(again.event).toBe('dead_key');
    expect(again.contact?.pendingChange).toBeNull();
    expect(again.contact?.pinned.identityPk).toBe(accepted.pinned.identityPk);
    expect(again.contact?.withdrawn).toMatchObject({ kind: 'dead_key' });
    // A pending key revoked by its owner is never offered again either.
    const third = generateIdentity(URI);
    const pending = observe(accepted, obs(bundle(third, 0), 1000)).contact as Contact;
    const thirdRev = parseRevocation(encodeRevocation(third, 1001, 'compromised'), URI);
    if (!thirdRev.ok) throw new Error('rev');
    const cleared = observe(pending, obs({ kind: 'revocation', revocation: thirdRev.value }, 1002)).contact as Contact;
    expect(cleared.pendingChange).toBeNull();
    expect(observe(cleared, obs(bundle(third, 1), 1003)).event).toBe('dead_key');
    // Even handed a dead key as "pending", accepting never pins it.
    const forced = {
      ...cleared,
      pendingChange: { ...(pending.pendingChange as NonNullable<Contact['pendingChange']>) },
    };
    expect(acceptChange(forced, 1004).pinned.identityPk).toBe(cleared.pinned.identityPk);
  });

  it('an identity change is kept aside with both sides; accepting re-binds, keeping stays blocked; verification waits', () => {
    const id = generateIdentity(URI);
    const c = markVerified(pinned(id), pinned(id).pinned.fingerprint, 50) as Contact;
    const other = generateIdentity('https://c.test/users/bob');
    const o = {
      actorUri: 'https://c.test/users/bob',
      acct: 'bob@b.test',
      material: bundle(other, 3),
      servedBy: ['https://a.test', 'https://c.test'],
      at: 300,
    };
    const changed = proposeIdentityChange(c, o);
    expect(contactStatus(changed)).toBe('identity_changed');
    expect(contactTrust(changed)).toBe('changed');
    expect(changed.pinned).toEqual(c.pinned);
    expect(changed.identityChange).toMatchObject({
      acct: 'bob@b.test',
      actorUri: o.actorUri,
      epoch: 3,
      servedBy: o.servedBy,
      seenAt: 300,
      keptBlocked: false,
    });
    expect(identityDecisionFingerprint(changed)).toBe(changed.identityChange?.fingerprint);
    expect(markVerified(changed, changed.pinned.fingerprint, 301)).toBeNull();
    const kept = keepOldIdentity(changed);
    expect(kept.identityChange?.keptBlocked).toBe(true);
    expect(proposeIdentityChange(kept, { ...o, at: 400 }).identityChange).toMatchObject({
      seenAt: 300,
      keptBlocked: true,
    });
    const accepted = acceptIdentityChange(changed, 500) as Contact;
    expect(accepted).toMatchObject({
      actorUri: o.actorUri,
      acct: 'bob@b.test',
      identityChange: null,
      pinned: { trust: 'unverified' },
      maxEpoch: 3,
    });
    expect(contactStatus(accepted)).toBe('ready');
    // A handle change of the same actor and key keeps the trust.
    const renamed = acceptIdentityChange(
      proposeIdentityChange(c, { ...obs(bundle(id, 2)), acct: 'robert@b.test' }),
      600,
    ) as Contact;
    expect(renamed).toMatchObject({ acct: 'robert@b.test', actorUri: URI, pinned: { trust: 'verified' } });
    // A new side without a key cannot be pinned: accepting drops the contact.
    expect(acceptIdentityChange(proposeIdentityChange(c, { ...o, material: { kind: 'none' } }), 700)).toBeNull();
  });
});

describe('TOFU invariants (property)', () => {
  it('whatever servers send, the pin never moves without acceptance and the epoch never goes back', async () => {
    const fc = (await import('fast-check')).default;
    const ids = [generateIdentity(URI), generateIdentity(URI), generateIdentity(URI)];
    // Pre-build bundles: (identity, epoch) -> material, so prekeys are stable per pair.
    const table = ids.map((id) => Array.from({ length: 6 }, (_x, e) => bundle(id, e, e)));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.nat(5)), { minLength: 1, maxLength: 25 }), (seq) => {
        let c: Contact | null = null;
        let first: string | null = null;
        let maxEpoch = -1;
        for (const [i, e] of seq) {
          const m = table[i]?.[e];
          if (m === undefined) continue;
          c = observe(c, obs(m)).contact;
          first ??= c?.pinned.identityPk ?? null;
          expect(c?.pinned.identityPk).toBe(first);
          expect(c?.maxEpoch ?? -1).toBeGreaterThanOrEqual(maxEpoch);
          maxEpoch = c?.maxEpoch ?? -1;
          expect(c?.bundle?.epoch).toBe(c?.maxEpoch);
          if (c !== null && m.kind === 'bundle' && !sameKey(c, m)) expect(contactState(c)).toBe('key_changed');
        }
      }),
      { numRuns: 150 },
    );
  });
});

function sameKey(c: Contact, m: KeyMaterial): boolean {
  return m.kind === 'bundle' && Buffer.from(m.bundle.identityPk).toString('base64url') === c.pinned.identityPk;
}
