import { beforeAll, describe, expect, it } from 'vitest';
import { createChain, generateIdentity, init } from '../../protocol/index';
import { toPlain } from '../keys/material';
import { b64 } from './codec';
import { MemoryArea } from './kv';
import { migrate } from './migrations';
import { CONTACTS_KEY, SCHEMA_KEY, accountKey, type AccountRecord, type ContactsRecord } from './schema';
import { KeyStore } from './store';

beforeAll(init);

/** A storage snapshot as schema v1 wrote it (no version stamp: v1 predates it). */
function v1Fixture() {
  const identity = generateIdentity('https://a.test/users/alice');
  const chain = createChain(1_800_000_000, 604800);
  const plain = toPlain({ identity, chain });
  const bobPk = generateIdentity('https://b.test/users/bob').publicKey;
  const area = new MemoryArea();
  const account = {
    origin: 'https://a.test', accountId: '1', acct: 'alice@a.test', actorUri: identity.actorUri, identityPk: b64(identity.publicKey),
    createdAt: 1_800_000_000, identitySeed: plain.identitySeed, chain: plain.chain, publishedEpoch: 0,
  };
  const contacts = {
    'https://b.test/users/bob': { acct: 'bob@b.test', identityPk: b64(bobPk), epoch: 3, prekeyPk: b64(new Uint8Array(32).fill(9)), verified: true, firstSeen: 1_800_000_100 },
    'https://c.test/users/broken': { acct: 'x@c.test', identityPk: 'not base64!', epoch: 0 },
  };
  return { area, account, contacts, plain, bobPk, init: () => area.set({ [accountKey('https://a.test', '1')]: account, [CONTACTS_KEY]: contacts }) };
}

describe('storage migrations', () => {
  it('stamps empty storage with the current version', async () => {
    const area = new MemoryArea();
    expect(await migrate(area)).toEqual({ ok: true, from: 2, to: 2 });
    expect((await area.getAll())[SCHEMA_KEY]).toBe(2);
  });

  it('upgrades a v1 store to v2 losing nothing: same secrets, same pins, trust kept', async () => {
    const f = v1Fixture();
    await f.init();
    expect(await migrate(f.area)).toEqual({ ok: true, from: 1, to: 2 });
    const store = new KeyStore(f.area);
    const acc = (await store.account('https://a.test', '1')) as AccountRecord;
    expect(acc.secrets).toEqual(f.plain);
    expect(acc).toMatchObject({ v: 2, status: 'active', acct: 'alice@a.test', published: { epoch: 0 }, publish: { wantEpoch: null } });
    const contacts = (await f.area.get([CONTACTS_KEY]))[CONTACTS_KEY] as ContactsRecord;
    expect(contacts.contacts).toHaveLength(1); // the unreadable entry is dropped (re-fetched and re-pinned later)
    expect(contacts.contacts[0]).toMatchObject({ acct: 'bob@b.test', pinned: { identityPk: b64(f.bobPk), trust: 'verified' }, maxEpoch: 3, history: [], pendingChange: null });
    // Running again is a no-op.
    expect(await migrate(f.area)).toEqual({ ok: true, from: 2, to: 2 });
  });

  it('a failed migration write leaves v1 intact and is retried on the next start', async () => {
    const f = v1Fixture();
    await f.init();
    const before = new Map(f.area.data);
    f.area.quotaBytes = 10; // every write fails
    expect(await migrate(f.area)).toMatchObject({ ok: false, reason: 'write_failed' });
    expect(f.area.data).toEqual(before);
    f.area.quotaBytes = Infinity;
    expect(await migrate(f.area)).toEqual({ ok: true, from: 1, to: 2 });
  });

  it('refuses storage written by a newer schema', async () => {
    const area = new MemoryArea();
    await area.set({ [SCHEMA_KEY]: 9, 'hush:contacts': {} });
    expect(await migrate(area)).toMatchObject({ ok: false, reason: 'newer_schema' });
  });

  it('a quota error on a record write keeps the previous record', async () => {
    const f = v1Fixture();
    await f.init();
    await migrate(f.area);
    const store = new KeyStore(f.area);
    const acc = (await store.account('https://a.test', '1')) as AccountRecord;
    f.area.quotaBytes = 1;
    await expect(store.putAccount({ ...acc, acct: 'changed@a.test' })).rejects.toThrow(/quota/i);
    expect((await store.account('https://a.test', '1'))?.acct).toBe('alice@a.test');
  });
});
