/**
 * A year of heavy use, in storage: 50 messages a day for 365 days read in one account, on top of
 * a key store with 300 contacts, settings, a vault, an old reader's unbounded records and an
 * inbox connection. Storage must stay under a stated bound, keep the newest messages, and never
 * lose a contact, a key or a setting; every key written must be one the storage map names, and
 * pass its schema.
 */
import { describe, expect, it } from 'vitest';
import {
  dropLegacyRecords,
  MAX_MESSAGES,
  MessageStore,
  type Sealer,
  type StoredMessage,
} from '../src/background/overlay/message-store';
import { entryOf, parseStored, STORAGE_KEYS } from '../src/background/storage/keys';
import { KeyStore } from '../src/background/storage/store';
import type { AccountRecord, Contact } from '../src/background/storage/schema';
import { createSettingsStore } from '../src/background/settings/store';

/** storage.local: values kept as JSON (what the browser stores), so sizes are real. */
class JsonArea {
  readonly data = new Map<string, string>();
  get(keys: readonly string[] | null): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const k of keys ?? [...this.data.keys()]) {
      const v = this.data.get(k);
      if (v !== undefined) out[k] = JSON.parse(v) as unknown;
    }
    return Promise.resolve(out);
  }
  getAll(): Promise<Record<string, unknown>> {
    return this.get(null);
  }
  set(items: Record<string, unknown>): Promise<void> {
    for (const [k, v] of Object.entries(items)) this.data.set(k, JSON.stringify(v));
    return Promise.resolve();
  }
  remove(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.data.delete(k);
    return Promise.resolve();
  }
  /** What Chromium counts against QUOTA_BYTES: key plus JSON value. */
  bytes(): number {
    let n = 0;
    for (const [k, v] of this.data) n += k.length + v.length;
    return n;
  }
}

/** Sealing as the real one sizes it: XChaCha20-Poly1305 adds a 24-byte nonce and a 16-byte tag. */
const sealer: Sealer = {
  seal: (d) => {
    const out = new Uint8Array(24 + d.length + 16);
    out.set(d, 24);
    return Promise.resolve(out);
  },
  open: (s) => Promise.resolve(s.slice(24, s.length - 16)),
};

const DAY = 86_400;
const START = 1_800_000_000;
const PER_DAY = 50;
const DAYS = 365;
const ACCOUNT = 'https://a.test|109000000000000001';
/** A chatty direct message: 400 characters of text. */
const TEXT = 'Meet me by the old boathouse after work; bring the charts and the good thermos. '.repeat(5);

const fp = (i: number): string => i.toString(16).padStart(64, '0');
const contact = (i: number): Contact => ({
  actorUri: `https://b.test/users/friend${i}`,
  acct: `friend${i}@b.test`,
  pinned: {
    identityPk: 'A'.repeat(43),
    fingerprint: fp(i),
    firstSeen: START,
    trust: i % 3 === 0 ? 'verified' : 'unverified',
    verifiedAt: i % 3 === 0 ? START : null,
  },
  bundle: { epoch: 40, prekeyPk: 'B'.repeat(43), fetchedAt: START },
  maxEpoch: 40,
  history: [],
  pendingChange: null,
  revoked: null,
  warning: null,
  checkedAt: START,
  servedBy: ['https://a.test', 'https://b.test'],
  deadKeys: [],
  identityChange: null,
  withdrawn: null,
});
const account: AccountRecord = {
  v: 2,
  origin: 'https://a.test',
  accountId: '109000000000000001',
  acct: 'alice@a.test',
  actorUri: 'https://a.test/users/alice',
  identityPk: 'C'.repeat(43),
  createdAt: START,
  status: 'active',
  revokedAt: null,
  secrets: { kind: 'sealed', nonce: 'D'.repeat(32), ct: 'E'.repeat(2000) },
  chainInfo: { origin: START, period: 7 * DAY, epoch: 52, oldestEpoch: 48 },
  published: { epoch: 52, at: START, kind: 'bundle' },
  publish: { wantEpoch: null, attempts: 0, lastError: null, lastAttemptAt: START },
};

function message(n: number): StoredMessage {
  const at = START + Math.floor(n / PER_DAY) * DAY + (n % PER_DAY) * 60;
  const id = String(110_000_000_000_000_000n + BigInt(n));
  return {
    plaintext: `${n}: ${TEXT}`,
    sender: { actorUri: `https://b.test/users/friend${n % 300}`, fingerprint: fp(n % 300) },
    recipients: [{ actorUri: 'https://a.test/users/alice', fingerprint: fp(999) }],
    messageId: `m${n}`.padEnd(22, 'x'),
    replyTo: n % 2 === 0 ? null : `m${n - 1}`.padEnd(22, 'x'),
    createdAt: at,
    statusIds: [id],
    hashes: ['h'.repeat(43)],
    firstShownAt: at,
  };
}

describe('a year of heavy use (50 messages a day) stays bounded and loses nothing that matters', () => {
  it('prunes the oldest messages only, keeps keys, contacts and settings, and every key is in the storage map', async () => {
    const area = new JsonArea();
    const keyStore = new KeyStore(area);
    await keyStore.putAccount(account);
    await area.set({ 'hush:contacts': { v: 3, contacts: Array.from({ length: 300 }, (_, i) => contact(i)) } });
    await area.set({
      'hush:schema': 3,
      'hush:vault': {
        salt: 'F'.repeat(22),
        opslimit: 3,
        memlimit: 67_108_864,
        checkNonce: 'G'.repeat(32),
        check: 'H'.repeat(43),
      },
    });
    await createSettingsStore(area).setPhrase({ text: 'blue heron at dawn', pattern: 'grid-green' });
    await createSettingsStore(area).setKeySettings({
      rotationPeriodSeconds: 7 * DAY,
      graceSeconds: 30 * DAY,
      autoLockSeconds: 600,
    });
    // An earlier reader's unbounded records, written before this version.
    for (let i = 0; i < 5000; i++)
      await area.set({ [`hush-view:${i}`]: { badge: 'verified', text: TEXT }, [`hush-seen:${i}`]: START });
    const keep = (): string[] =>
      [
        'hush:schema',
        'hush:vault',
        'hush:settings',
        'hush:contacts',
        `hush:account:${account.origin}#${account.accountId}`,
      ].map((k) => `${k}=${area.data.get(k)}`);
    const before = keep();

    expect(await dropLegacyRecords(area)).toBe(10_000);
    const store = new MessageStore(area, ACCOUNT, sealer);
    let peak = 0;
    for (let day = 0; day < DAYS; day++) {
      // A day's messages arrive together (one turn: one index write), as a busy conversation list does.
      await Promise.all(
        Array.from({ length: PER_DAY }, (_, i) =>
          store.put(message(day * PER_DAY + i), `s${(day * PER_DAY + i) % 300}`),
        ),
      );
      peak = Math.max(peak, area.bytes());
    }

    const total = DAYS * PER_DAY;
    expect(await store.size()).toBe(MAX_MESSAGES);
    // The newest are all there and readable; the oldest are gone with every record they had.
    const fresh = new MessageStore(area, ACCOUNT, sealer);
    for (const n of [total - 1, total - MAX_MESSAGES]) {
      const m = message(n);
      expect(await fresh.message(m.statusIds[0] as string)).toEqual(m);
      expect(await fresh.status(m.statusIds[0] as string)).toMatchObject({ message: m.statusIds[0] });
      expect(await fresh.replay(`s${n % 300}`, m.messageId)).toEqual({ statusIds: m.statusIds, at: m.firstShownAt });
    }
    for (const n of [0, total - MAX_MESSAGES - 1]) {
      const m = message(n);
      expect(await fresh.message(m.statusIds[0] as string)).toBeNull();
      expect(await fresh.status(m.statusIds[0] as string)).toBeNull();
      expect(await fresh.replay(`s${n % 300}`, m.messageId)).toBeNull();
    }
    // Keys, contacts and settings: byte for byte as before.
    expect(keep()).toEqual(before);
    expect(await keyStore.contacts()).toHaveLength(300);
    expect(await keyStore.account(account.origin, account.accountId)).toEqual(account);

    // Bound: the newest 2000 messages of ~400 characters (sealed, with their status, replay and
    // index records) plus the key store stay under 4 MiB (Chromium's storage.local quota is 10 MiB),
    // and the peak during the year is no higher than the end state plus one day of messages.
    const end = area.bytes();
    expect(end).toBeLessThan(4 * 1024 * 1024);
    expect(peak).toBeLessThan(end + PER_DAY * 2_000);
    console.log(
      `year of use: ${area.data.size} keys, ${(end / 1024).toFixed(0)} KiB at the end, peak ${(peak / 1024).toFixed(0)} KiB`,
    );

    // Every key written is one the storage map names, and its value passes that entry's schema.
    const unnamed: string[] = [];
    const failing: string[] = [];
    for (const [k, json] of area.data) {
      const e = entryOf('local', k);
      if (e === null) unnamed.push(k);
      else if (parseStored(e.schema, JSON.parse(json)) === null) failing.push(k);
    }
    expect(unnamed).toEqual([]);
    expect(failing).toEqual([]);
    // The records the map says are never pruned are exactly the user's keys, contacts and settings.
    const never = Object.values(STORAGE_KEYS)
      .filter((e) => e.area === 'local' && e.pruned === 'never')
      .map((e) => e.key);
    expect(never).toEqual(expect.arrayContaining(['hush:account:', 'hush:contacts', 'hush:vault', 'hush:settings']));
  });
});
