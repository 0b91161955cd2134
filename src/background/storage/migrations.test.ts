import { beforeAll, describe, expect, it } from 'vitest';
import { createChain, fingerprint, generateIdentity, init } from '../../protocol/index';
import { toPlain } from '../keys/material';
import { b64 } from '../../messaging/encoding';
import { MemoryArea } from './kv';
import { MIGRATIONS, migrate } from './migrations';
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
    origin: 'https://a.test',
    accountId: '1',
    acct: 'alice@a.test',
    actorUri: identity.actorUri,
    identityPk: b64(identity.publicKey),
    createdAt: 1_800_000_000,
    identitySeed: plain.identitySeed,
    chain: plain.chain,
    publishedEpoch: 0,
  };
  const contacts = {
    'https://b.test/users/bob': {
      acct: 'bob@b.test',
      identityPk: b64(bobPk),
      epoch: 3,
      prekeyPk: b64(new Uint8Array(32).fill(9)),
      verified: true,
      firstSeen: 1_800_000_100,
    },
    'https://c.test/users/broken': { acct: 'x@c.test', identityPk: 'not base64!', epoch: 0 },
  };
  return {
    area,
    account,
    contacts,
    plain,
    bobPk,
    init: () => area.set({ [accountKey('https://a.test', '1')]: account, [CONTACTS_KEY]: contacts }),
  };
}

describe('storage migrations', () => {
  it('stamps empty storage with the current version', async () => {
    const area = new MemoryArea();
    expect(await migrate(area)).toEqual({ ok: true, from: 3, to: 3 });
    expect((await area.getAll())[SCHEMA_KEY]).toBe(3);
  });

  it('upgrades a v1 store to v3 losing nothing: same secrets, same pins, trust kept', async () => {
    const f = v1Fixture();
    await f.init();
    expect(await migrate(f.area)).toEqual({ ok: true, from: 1, to: 3 });
    const store = new KeyStore(f.area);
    const acc = (await store.account('https://a.test', '1')) as AccountRecord;
    expect(acc.secrets).toEqual(f.plain);
    expect(acc).toMatchObject({
      v: 2,
      status: 'active',
      acct: 'alice@a.test',
      published: { epoch: 0 },
      publish: { wantEpoch: null },
    });
    const contacts = (await f.area.get([CONTACTS_KEY]))[CONTACTS_KEY] as ContactsRecord;
    expect(contacts.contacts).toHaveLength(1); // the unreadable entry is dropped (re-fetched and re-pinned later)
    expect(contacts.contacts[0]).toMatchObject({
      acct: 'bob@b.test',
      pinned: { identityPk: b64(f.bobPk), trust: 'verified' },
      maxEpoch: 3,
      history: [],
      pendingChange: null,
      servedBy: [],
      deadKeys: [],
      identityChange: null,
      withdrawn: null,
    });
    expect(await new KeyStore(f.area).contacts()).toHaveLength(1);
    // Running again is a no-op.
    expect(await migrate(f.area)).toEqual({ ok: true, from: 3, to: 3 });
  });

  it('a v1 account record v1 could not have written (only an origin) is left untouched; the rest migrates', async () => {
    const f = v1Fixture();
    await f.init();
    const broken = accountKey('https://b.test', '2');
    await f.area.set({ [broken]: { origin: 'https://b.test' } });
    expect(await migrate(f.area)).toEqual({ ok: true, from: 1, to: 3 });
    expect((await f.area.get([broken]))[broken]).toEqual({ origin: 'https://b.test' });
    const store = new KeyStore(f.area);
    expect((await store.accounts()).map((a) => a.origin)).toEqual(['https://a.test']);
    expect(await store.account('https://b.test', '2')).toBeNull();
  });

  it('a step that throws is reported as a bug, not as a storage failure', async () => {
    const f = v1Fixture();
    await f.init();
    const before = new Map(f.area.data);
    const out = await migrate(
      f.area,
      {
        1: () => {
          throw new TypeError('boom');
        },
      },
      2,
    );
    expect(out).toMatchObject({ ok: false, reason: 'migration_bug', detail: 'from 1: boom' });
    expect(f.area.data).toEqual(before);
  });

  it('a version stamp no migration starts from is refused as unknown', async () => {
    const area = new MemoryArea();
    await area.set({ [SCHEMA_KEY]: 0.5, 'hush:contacts': {} });
    expect(await migrate(area)).toMatchObject({ ok: false, reason: 'unknown_schema' });
  });

  it('a failed migration write leaves v1 intact and is retried on the next start', async () => {
    const f = v1Fixture();
    await f.init();
    const before = new Map(f.area.data);
    f.area.quotaBytes = 10; // every write fails
    expect(await migrate(f.area)).toMatchObject({ ok: false, reason: 'write_failed' });
    expect(f.area.data).toEqual(before);
    f.area.quotaBytes = Infinity;
    expect(await migrate(f.area)).toEqual({ ok: true, from: 1, to: 3 });
  });

  it('v2 -> v3 keeps accounts and keys as they were; two contacts with one handle (issue #21) become one under review', async () => {
    const f = v1Fixture();
    await f.init();
    // Stop at v2, as the previous release left it.
    expect(await migrate(f.area, MIGRATIONS, 2)).toEqual({ ok: true, from: 1, to: 2 });
    const v2 = (await f.area.get([CONTACTS_KEY]))[CONTACTS_KEY] as { v: 2; contacts: Record<string, unknown>[] };
    const genuine = v2.contacts[0] as Record<string, unknown>;
    const attackerPk = generateIdentity('https://c.test/users/mallory').publicKey;
    const revokedOld = { ...(genuine.pinned as object), identityPk: b64(attackerPk), firstSeen: 1 };
    // The substitution left a second "bob@b.test" (pinned later), and bob had an accepted key change.
    const second = {
      ...genuine,
      actorUri: 'https://c.test/users/mallory',
      acct: 'Bob@b.test',
      pinned: {
        ...(genuine.pinned as object),
        identityPk: b64(attackerPk),
        fingerprint: fingerprint(attackerPk),
        firstSeen: 1_900_000_000,
        trust: 'unverified',
        verifiedAt: null,
      },
    };
    const first = {
      ...genuine,
      history: [{ ...revokedOld, replacedAt: 5 }],
      revoked: { revokedAt: 7, reason: 'compromised', seenAt: 8 },
    };
    await f.area.set({ [CONTACTS_KEY]: { v: 2, contacts: [second, first] } });
    const accountBefore = (await f.area.get([accountKey('https://a.test', '1')]))[accountKey('https://a.test', '1')];
    expect(await migrate(f.area)).toEqual({ ok: true, from: 2, to: 3 });
    expect((await f.area.get([accountKey('https://a.test', '1')]))[accountKey('https://a.test', '1')]).toEqual(
      accountBefore,
    );
    const contacts = await new KeyStore(f.area).contacts();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({
      actorUri: 'https://b.test/users/bob',
      acct: 'bob@b.test',
      pinned: { identityPk: b64(f.bobPk), trust: 'verified' },
      history: [{ identityPk: b64(attackerPk), replacedAt: 5, revoked: null }],
      deadKeys: [{ identityPk: b64(f.bobPk), reason: 'compromised', revokedAt: 7 }],
      identityChange: {
        actorUri: 'https://c.test/users/mallory',
        acct: 'Bob@b.test',
        identityPk: b64(attackerPk),
        keptBlocked: false,
      },
      checkedAt: 0,
    });
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
