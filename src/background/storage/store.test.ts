import { describe, expect, it } from 'vitest';
import { MemoryArea } from './kv';
import type { AccountRecord, Contact } from './schema';
import { KeyStore } from './store';

const account: AccountRecord = {
  v: 2,
  origin: 'https://a.test',
  accountId: '1',
  acct: 'alice@a.test',
  actorUri: 'https://a.test/users/alice',
  identityPk: 'A'.repeat(43),
  createdAt: 1,
  status: 'active',
  revokedAt: null,
  secrets: { kind: 'sealed', nonce: 'n', ct: 'c' },
  chainInfo: { origin: 1, period: 604800, epoch: 3, oldestEpoch: 1 },
  published: null,
  publish: { wantEpoch: 3, attempts: 0, lastError: null, lastAttemptAt: null },
};
const contact = (i: number): Contact => ({
  actorUri: `https://b.test/users/u${i}`,
  acct: `u${i}@b.test`,
  pinned: { identityPk: 'B'.repeat(43), fingerprint: 'f', firstSeen: 1, trust: 'unverified', verifiedAt: null },
  bundle: null,
  maxEpoch: 1,
  history: [],
  pendingChange: null,
  revoked: null,
  warning: null,
  checkedAt: 1,
  servedBy: [],
  deadKeys: [],
  identityChange: null,
  withdrawn: null,
});

describe('the key store parses every record on read (storage is outside input)', () => {
  it('a damaged account record is absent to readers, never thrown on, and left in storage untouched', async () => {
    const area = new MemoryArea();
    const store = new KeyStore(area);
    await store.putAccount(account);
    const damaged = { ...account, accountId: '2', secrets: { kind: 'plain', identitySeed: 7 } };
    await area.set({ 'hush:account:https://a.test#2': damaged, 'hush:account:https://a.test#3': 'garbage' });
    expect(await store.account('https://a.test', '2')).toBeNull();
    expect(await store.account('https://a.test', '3')).toBeNull();
    expect(await store.accounts()).toEqual([account]);
    expect((await area.get(['hush:account:https://a.test#2']))['hush:account:https://a.test#2']).toEqual(damaged);
  });

  it('one damaged contact costs that contact only; a damaged list or vault reads as absent', async () => {
    const area = new MemoryArea();
    const store = new KeyStore(area);
    await area.set({ 'hush:contacts': { v: 3, contacts: [contact(1), { ...contact(2), pinned: null }, contact(3)] } });
    expect((await store.contacts()).map((c) => c.acct)).toEqual(['u1@b.test', 'u3@b.test']);
    await area.set({ 'hush:contacts': { v: 3, contacts: 'nope' }, 'hush:vault': { salt: 1 } });
    expect(await store.contacts()).toEqual([]);
    expect(await store.vault()).toBeNull();
  });
});
