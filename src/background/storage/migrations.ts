/**
 * Schema migrations, applied in order at start. Each one maps the whole previous layout to the next
 * and is written in ONE storage.set together with the new version number, so an interrupted
 * migration leaves the previous version intact (and is simply run again).
 *
 * v1 (first release layout): account records kept `identitySeed` and `chain` at top level and a
 * bare `publishedEpoch`; contacts were a map actorUri -> {acct, identityPk, epoch, prekeyPk,
 * verified}. v2 groups secrets so they can be sealed by a passphrase, tracks publish retries, and
 * keeps key history and pending key changes per contact. v3 (issue #21) binds each handle to one
 * contact: identity changes, withdrawn keys, revoked ("dead") keys and revocations kept on history
 * entries; account records are unchanged.
 */
import { fingerprint } from '../../protocol/index';
import { unb64 } from '../../messaging/encoding';
import type { KeyValueArea } from './kv';
import {
  ACCOUNT_PREFIX,
  CONTACTS_KEY,
  SCHEMA_KEY,
  SCHEMA_VERSION,
  type AccountRecord,
  type ChainRecord,
  type Contact,
  type ContactsRecord,
  type DeadKey,
  type IdentityChange,
  type PinnedKey,
} from './schema';

/** A contact as schema v2 stored it. */
type V2Contact = Omit<Contact, 'history' | 'servedBy' | 'deadKeys' | 'identityChange' | 'withdrawn'> & {
  readonly history: readonly (PinnedKey & { readonly replacedAt: number })[];
};

type Entries = Record<string, unknown>;
type Migration = (all: Entries) => { set: Entries; remove: string[] };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const num = (x: unknown, d = 0): number => (typeof x === 'number' && Number.isFinite(x) ? x : d);
const str = (x: unknown): string => (typeof x === 'string' ? x : '');

/** A v1 chain with the shape v1 always wrote; null for anything else. */
function v1Chain(x: unknown): ChainRecord | null {
  if (!isObj(x) || !Array.isArray(x.retained) || typeof x.chainSecret !== 'string') return null;
  if (![x.origin, x.period, x.epoch].every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const retained = (x.retained as unknown[]).filter(isObj);
  if (
    retained.length !== x.retained.length ||
    !retained.every((r) => typeof r.epoch === 'number' && typeof r.secretKey === 'string')
  )
    return null;
  return x as unknown as ChainRecord;
}

function v1ToV2(all: Entries): { set: Entries; remove: string[] } {
  const set: Entries = {};
  for (const [key, value] of Object.entries(all)) {
    if (!key.startsWith(ACCOUNT_PREFIX) || !isObj(value)) continue;
    const chain = v1Chain(value.chain);
    // A record v1 could not have written (no chain, no seed): left as it is, untouched. The key
    // store reads only v2 records, so it is ignored rather than guessed at, and nothing is lost.
    if (chain === null || typeof value.identitySeed !== 'string') continue;
    const published = typeof value.publishedEpoch === 'number' ? value.publishedEpoch : null;
    const record: AccountRecord = {
      v: 2,
      origin: str(value.origin),
      accountId: str(value.accountId),
      acct: str(value.acct),
      actorUri: str(value.actorUri),
      identityPk: str(value.identityPk),
      createdAt: num(value.createdAt),
      status: 'active',
      revokedAt: null,
      secrets: { kind: 'plain', identitySeed: str(value.identitySeed), chain },
      chainInfo: {
        origin: chain.origin,
        period: chain.period,
        epoch: chain.epoch,
        oldestEpoch: chain.retained.reduce((m, r) => Math.min(m, r.epoch), chain.epoch),
      },
      published: published === null ? null : { epoch: published, at: num(value.createdAt), kind: 'bundle' },
      publish: {
        wantEpoch: published === chain.epoch ? null : chain.epoch,
        attempts: 0,
        lastError: null,
        lastAttemptAt: null,
      },
    };
    set[key] = record;
  }
  const oldContacts = all[CONTACTS_KEY];
  const contacts: V2Contact[] = [];
  if (isObj(oldContacts)) {
    for (const [actorUri, c] of Object.entries(oldContacts)) {
      if (!isObj(c)) continue;
      const pk = unb64(c.identityPk);
      if (pk?.length !== 32) continue; // unreadable entry: dropped, the key is fetched again (and re-pinned)
      const seen = num(c.firstSeen);
      contacts.push({
        actorUri,
        acct: str(c.acct),
        pinned: {
          identityPk: str(c.identityPk),
          fingerprint: fingerprint(pk),
          firstSeen: seen,
          trust: c.verified === true ? 'verified' : 'unverified',
          verifiedAt: c.verified === true ? seen : null,
        },
        bundle: typeof c.prekeyPk === 'string' ? { epoch: num(c.epoch), prekeyPk: c.prekeyPk, fetchedAt: seen } : null,
        maxEpoch: num(c.epoch),
        history: [],
        pendingChange: null,
        revoked: null,
        warning: null,
        checkedAt: 0, // force a fresh check
      });
    }
  }
  set[CONTACTS_KEY] = { v: 2, contacts };
  return { set, remove: [] };
}

/** A stored v2 contact with the shape it must have; null for an unreadable one (fetched and pinned again later). */
function v2Contact(c: Record<string, unknown>): V2Contact | null {
  const pinned = c.pinned;
  if (
    typeof c.acct !== 'string' ||
    typeof c.actorUri !== 'string' ||
    !isObj(pinned) ||
    unb64(pinned.identityPk)?.length !== 32
  )
    return null;
  const p = pinned as unknown as V2Contact['pinned'];
  return {
    actorUri: c.actorUri,
    acct: c.acct,
    pinned: {
      identityPk: p.identityPk,
      fingerprint: str(p.fingerprint),
      firstSeen: num(p.firstSeen),
      trust: p.trust === 'verified' ? 'verified' : 'unverified',
      verifiedAt: typeof p.verifiedAt === 'number' ? p.verifiedAt : null,
    },
    bundle: isObj(c.bundle) ? (c.bundle as unknown as NonNullable<V2Contact['bundle']>) : null,
    maxEpoch: num(c.maxEpoch),
    history: Array.isArray(c.history)
      ? (c.history as unknown[]).filter(isObj).map((h) => h as unknown as V2Contact['history'][number])
      : [],
    pendingChange: isObj(c.pendingChange)
      ? (c.pendingChange as unknown as NonNullable<V2Contact['pendingChange']>)
      : null,
    revoked: isObj(c.revoked) ? (c.revoked as unknown as NonNullable<V2Contact['revoked']>) : null,
    warning: isObj(c.warning) ? (c.warning as unknown as NonNullable<V2Contact['warning']>) : null,
    checkedAt: num(c.checkedAt),
  };
}

/** The pinned side of `c` as the identity change another contact with the same handle would be. */
function asIdentityChange(c: V2Contact): IdentityChange {
  return {
    acct: c.acct,
    actorUri: c.actorUri,
    identityPk: c.pinned.identityPk,
    fingerprint: c.pinned.fingerprint,
    epoch: c.bundle?.epoch ?? null,
    prekeyPk: c.bundle?.prekeyPk ?? null,
    servedBy: [],
    seenAt: c.pinned.firstSeen,
    keptBlocked: false,
  };
}

/**
 * v2 -> v3. Contacts gain servedBy (not recorded before: []), dead keys (the pinned key when it
 * was revoked), no identity change, no withdrawal; history entries gain `revoked: null`. Two v2
 * contacts with the same handle (what issue #21's substitution left behind) become ONE: the one
 * pinned first stays, the later one is kept as its identity change for the user to review.
 */
function v2ToV3(all: Entries): { set: Entries; remove: string[] } {
  const old = all[CONTACTS_KEY];
  const list: V2Contact[] =
    isObj(old) && Array.isArray(old.contacts)
      ? (old.contacts as unknown[])
          .filter(isObj)
          .map(v2Contact)
          .filter((c) => c !== null)
      : [];
  const byAcct = new Map<string, V2Contact[]>();
  for (const c of list) {
    const k = c.acct.toLowerCase();
    byAcct.set(k, [...(byAcct.get(k) ?? []), c]);
  }
  const contacts: Contact[] = [];
  for (const group of byAcct.values()) {
    // The original is the one pinned first (a verified one wins a tie).
    const sorted = [...group].sort(
      (x, y) =>
        x.pinned.firstSeen - y.pinned.firstSeen ||
        (x.pinned.trust === 'verified' ? -1 : 0) - (y.pinned.trust === 'verified' ? -1 : 0),
    );
    const [first, second] = sorted;
    if (first === undefined) continue;
    const dead: DeadKey[] =
      first.revoked === null
        ? []
        : [{ identityPk: first.pinned.identityPk, fingerprint: first.pinned.fingerprint, ...first.revoked }];
    contacts.push({
      ...first,
      history: first.history.map((h) => ({ ...h, revoked: null })),
      servedBy: [],
      deadKeys: dead,
      identityChange: second === undefined ? null : asIdentityChange(second),
      withdrawn: null,
      checkedAt: second === undefined ? first.checkedAt : 0,
    });
  }
  return { set: { [CONTACTS_KEY]: { v: 3, contacts } satisfies ContactsRecord }, remove: [] };
}

/** migrations[n] turns version n into n + 1. */
export const MIGRATIONS: Record<number, Migration> = { 1: v1ToV2, 2: v2ToV3 };

/**
 * `newer_schema`: written by a newer Hush; `unknown_schema`: a version stamp no migration starts
 * from; `write_failed`: storage refused a read or write (nothing half-written); `migration_bug`: a
 * step threw on the stored values, which is a defect in this file (the fuzz test fails on it).
 */
export type MigrationOutcome =
  | { ok: true; from: number; to: number }
  | { ok: false; reason: 'newer_schema' | 'unknown_schema' | 'write_failed' | 'migration_bug'; detail: string };

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Brings storage to SCHEMA_VERSION. Empty storage is stamped with the current version. */
export async function migrate(
  area: KeyValueArea,
  migrations: Record<number, Migration> = MIGRATIONS,
  target = SCHEMA_VERSION,
): Promise<MigrationOutcome> {
  const all = await area.getAll();
  const stamped = all[SCHEMA_KEY];
  const hasData = Object.keys(all).some((k) => k.startsWith('hush:') && k !== SCHEMA_KEY);
  let version = typeof stamped === 'number' ? stamped : hasData ? 1 : target;
  const from = version;
  if (version > target)
    return { ok: false, reason: 'newer_schema', detail: `storage has schema ${version}, this Hush knows ${target}` };
  let current = all;
  try {
    if (typeof stamped !== 'number' && !hasData) await area.set({ [SCHEMA_KEY]: target });
  } catch (e) {
    return { ok: false, reason: 'write_failed', detail: message(e) };
  }
  while (version < target) {
    const step = migrations[version];
    if (step === undefined) return { ok: false, reason: 'unknown_schema', detail: `no migration from ${version}` };
    let next: ReturnType<Migration>;
    try {
      next = step(current);
    } catch (e) {
      return { ok: false, reason: 'migration_bug', detail: `from ${version}: ${message(e)}` };
    }
    try {
      // One set: records and the version move together or not at all.
      await area.set({ ...next.set, [SCHEMA_KEY]: version + 1 });
      if (next.remove.length > 0) await area.remove(next.remove);
      current = await area.getAll();
    } catch (e) {
      return { ok: false, reason: 'write_failed', detail: message(e) };
    }
    version++;
  }
  return { ok: true, from, to: version };
}
