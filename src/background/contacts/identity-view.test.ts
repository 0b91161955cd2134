import { beforeAll, describe, expect, it } from 'vitest';
import {
  createChain,
  currentPrekey,
  encodeBundle,
  generateIdentity,
  init,
  parseBundle,
  type Identity,
} from '../../protocol/index';
import type { KeyMaterial } from '../network/discovery';
import { MemoryArea } from '../storage/kv';
import type { Contact } from '../storage/schema';
import { KeyStore } from '../storage/store';
import { decideIdentityChange, identityChangeView } from './identity-view';
import { markVerified, observe, proposeIdentityChange } from './tofu';

beforeAll(init);

const OLD = 'https://a.test/users/carol';
const NEW = 'https://c.test/users/mallory';

function bundle(id: Identity, epoch = 1): KeyMaterial {
  const p = parseBundle(encodeBundle(id, epoch, currentPrekey(createChain(1_800_000_000)).publicKey));
  if (!p.ok) throw new Error('bundle');
  return { kind: 'bundle', bundle: p.value };
}

function underReview(newMaterial?: KeyMaterial) {
  const mine = generateIdentity(OLD);
  const theirs = generateIdentity(NEW);
  const pinned = observe(null, {
    actorUri: OLD,
    acct: 'carol@a.test',
    material: bundle(mine),
    servedBy: ['https://home.test', 'https://a.test'],
    at: 100,
  }).contact as Contact;
  const verified = markVerified(pinned, pinned.pinned.fingerprint, 150) as Contact;
  const c = proposeIdentityChange(verified, {
    actorUri: NEW,
    acct: 'carol@a.test',
    material: newMaterial ?? bundle(theirs),
    servedBy: ['https://home.test', 'https://c.test'],
    at: 200,
  });
  return { c, theirs };
}

describe('identity change review (issue #21)', () => {
  it('shows both sides and who served each', () => {
    const { c } = underReview();
    expect(identityChangeView(c)).toEqual({
      before: {
        acct: 'carol@a.test',
        actorUri: OLD,
        fingerprint: c.pinned.fingerprint,
        servedBy: ['https://home.test', 'https://a.test'],
      },
      after: {
        acct: 'carol@a.test',
        actorUri: NEW,
        fingerprint: c.identityChange?.fingerprint,
        servedBy: ['https://home.test', 'https://c.test'],
      },
      changedAt: 200,
      keptBlocked: false,
      decisionFingerprint: c.identityChange?.fingerprint,
    });
    const noKey = underReview({ kind: 'none' }).c;
    expect(identityChangeView(noKey)).toMatchObject({
      after: { fingerprint: null },
      decisionFingerprint: noKey.pinned.fingerprint,
    });
  });

  it('a decision names the change it was shown; accepting re-binds the one contact in the store', async () => {
    const { c } = underReview();
    expect(decideIdentityChange(c, true, c.pinned.fingerprint, 300)).toEqual({ result: 'mismatch' });
    const kept = decideIdentityChange(c, false, c.identityChange?.fingerprint ?? '', 300);
    expect(kept).toMatchObject({ result: 'kept_blocked', contact: { identityChange: { keptBlocked: true } } });
    const store = new KeyStore(new MemoryArea());
    await store.putContact(c);
    // Another contact already pinned at the new actor (under another handle) is replaced, not duplicated.
    const other = observe(null, {
      actorUri: NEW,
      acct: 'mallory@c.test',
      material: bundle(generateIdentity(NEW)),
      servedBy: [],
      at: 50,
    }).contact as Contact;
    await store.putContact(other);
    const d = decideIdentityChange(c, true, c.identityChange?.fingerprint ?? '', 300);
    if (d.result !== 'accepted' || d.contact === null) throw new Error('not accepted');
    await store.rebindContact(d.previousActorUri, d.contact);
    const all = await store.contacts();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      actorUri: NEW,
      acct: 'carol@a.test',
      pinned: { trust: 'unverified' },
      identityChange: null,
    });
    // The store never holds two contacts with one handle.
    await expect(
      store.putContact({ ...other, actorUri: 'https://d.test/users/x', acct: 'Carol@a.test' }),
    ).rejects.toThrow(/already holds/);
  });

  it('accepting a new side without a key drops the contact', async () => {
    const { c } = underReview({ kind: 'none' });
    const d = decideIdentityChange(c, true, c.pinned.fingerprint, 300);
    expect(d).toEqual({ result: 'accepted', previousActorUri: OLD, contact: null });
    const store = new KeyStore(new MemoryArea());
    await store.putContact(c);
    await store.removeContact(OLD);
    expect(await store.contacts()).toEqual([]);
  });
});
