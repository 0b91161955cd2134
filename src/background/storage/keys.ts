/**
 * Every storage key Hush writes, in one table: which area it lives in, the exact key or prefix,
 * the valibot schema its value must pass, its bound, and whether anything ever prunes it.
 *
 * Storage is outside input like any other (an older version wrote it, a user edited it, a disk
 * flipped a bit): every read goes through `parseStored`, and a value failing its schema is treated
 * as absent (the record's owner then falls back to a default or fetches it again), never cast and
 * never thrown on. `test/storage-year.test.ts` fills storage with a year of heavy use and checks
 * that every key written belongs to an entry here and passes its schema, and that the total stays
 * under the stated bound.
 *
 * Records that are NEVER pruned: the key store (own accounts, contacts, vault, schema version) and
 * settings. Everything that grows with use (messages read, conversations, offers) has a bound.
 */
import * as v from 'valibot';
import { PageDetectedSchema } from '../../messaging/messages';
import { DEFAULT_PREFS, SecurityPhraseSchema, UiPrefsSchema } from '../../messaging/settings-messages';
import type {
  AccountRecord,
  ChainRecord,
  Contact,
  ContactsRecord,
  DeadKey,
  UnpinnedRevocation,
  HistoryKey,
  IdentityChange,
  KeyRevocation,
  PendingChange,
  PinnedKey,
  Settings,
  VaultRecord,
  Withdrawn,
} from './schema';

const Str = v.string();
const Num = v.pipe(v.number(), v.finite());
const Strs = v.array(v.string());

const ChainSchema: v.GenericSchema<unknown, ChainRecord> = v.object({
  origin: Num,
  period: Num,
  epoch: Num,
  chainSecret: Str,
  retained: v.array(v.object({ epoch: Num, secretKey: Str })),
});

export const AccountRecordSchema: v.GenericSchema<unknown, AccountRecord> = v.object({
  v: v.literal(2),
  origin: Str,
  accountId: Str,
  acct: Str,
  actorUri: Str,
  identityPk: Str,
  createdAt: Num,
  status: v.picklist(['active', 'revoked']),
  revokedAt: v.nullable(Num),
  secrets: v.variant('kind', [
    v.object({ kind: v.literal('plain'), identitySeed: Str, chain: ChainSchema }),
    v.object({ kind: v.literal('sealed'), nonce: Str, ct: Str }),
  ]),
  chainInfo: v.object({ origin: Num, period: Num, epoch: Num, oldestEpoch: Num }),
  published: v.nullable(v.object({ epoch: Num, at: Num, kind: v.picklist(['bundle', 'revocation']) })),
  publish: v.object({
    wantEpoch: v.nullable(Num),
    attempts: Num,
    lastError: v.nullable(Str),
    lastAttemptAt: v.nullable(Num),
  }),
});

const PinnedKeyEntries = {
  identityPk: Str,
  fingerprint: Str,
  firstSeen: Num,
  trust: v.picklist(['unverified', 'verified']),
  verifiedAt: v.nullable(Num),
};
const PinnedKeySchema: v.GenericSchema<unknown, PinnedKey> = v.object(PinnedKeyEntries);
const RevocationEntries = { revokedAt: Num, reason: Str, seenAt: Num };
const RevocationSchema: v.GenericSchema<unknown, KeyRevocation> = v.object(RevocationEntries);
const HistoryKeySchema: v.GenericSchema<unknown, HistoryKey> = v.object({
  ...PinnedKeyEntries,
  replacedAt: Num,
  revoked: v.nullable(RevocationSchema),
});
const DeadKeyEntries = {
  ...RevocationEntries,
  identityPk: Str,
  fingerprint: Str,
  unseen: v.optional(v.literal(true)),
};
const DeadKeySchema: v.GenericSchema<unknown, DeadKey> = v.object(DeadKeyEntries);
export const UnpinnedRevocationSchema: v.GenericSchema<unknown, UnpinnedRevocation> = v.object({
  ...DeadKeyEntries,
  actorUri: Str,
});
const PendingChangeSchema: v.GenericSchema<unknown, PendingChange> = v.object({
  identityPk: Str,
  fingerprint: Str,
  epoch: Num,
  prekeyPk: Str,
  seenAt: Num,
  servedBy: Strs,
  keptBlocked: v.boolean(),
});
const IdentityChangeSchema: v.GenericSchema<unknown, IdentityChange> = v.object({
  acct: Str,
  actorUri: Str,
  identityPk: v.nullable(Str),
  fingerprint: v.nullable(Str),
  epoch: v.nullable(Num),
  prekeyPk: v.nullable(Str),
  servedBy: Strs,
  seenAt: Num,
  keptBlocked: v.boolean(),
});
const WithdrawnSchema: v.GenericSchema<unknown, Withdrawn> = v.object({
  kind: v.picklist(['none', 'invalid', 'dead_key']),
  detail: Str,
  at: Num,
  servedBy: Strs,
});

export const ContactSchema: v.GenericSchema<unknown, Contact> = v.object({
  actorUri: Str,
  acct: Str,
  pinned: PinnedKeySchema,
  bundle: v.nullable(v.object({ epoch: Num, prekeyPk: Str, fetchedAt: Num })),
  maxEpoch: Num,
  history: v.array(HistoryKeySchema),
  pendingChange: v.nullable(PendingChangeSchema),
  revoked: v.nullable(RevocationSchema),
  warning: v.nullable(v.object({ kind: v.literal('disagreement'), homeInstance: Str, originInstance: Str, at: Num })),
  checkedAt: Num,
  servedBy: Strs,
  deadKeys: v.array(DeadKeySchema),
  identityChange: v.nullable(IdentityChangeSchema),
  withdrawn: v.nullable(WithdrawnSchema),
});

/** The list itself: each contact is parsed on its own (ContactSchema), so one damaged entry costs one contact. */
export const ContactsRecordSchema = v.object({ v: v.literal(3), contacts: v.array(v.unknown()) });
export type RawContactsRecord = v.InferOutput<typeof ContactsRecordSchema>;
// ContactsRecord is what is written: the parsed contacts under version 3.
export type { ContactsRecord };

export const VaultRecordSchema: v.GenericSchema<unknown, VaultRecord> = v.object({
  salt: Str,
  opslimit: Num,
  memlimit: Num,
  checkNonce: Str,
  check: Str,
});

const Seconds = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(250 * 365 * 86400));
/** Rotation, grace and auto-lock (the popup's limits are in keys-messages.ts; this only refuses nonsense). */
export const KeySettingsSchema = v.object({
  rotationPeriodSeconds: Seconds(1),
  graceSeconds: Seconds(0),
  autoLockSeconds: Seconds(0),
});
/** Compile-time check that the schema yields the stored type. */
export const KeySettingsTyped: v.GenericSchema<unknown, Settings> = KeySettingsSchema;

/**
 * All settings, one record (`hush:settings`, version 2). Each part is parsed on its own: a damaged
 * part falls back to its default and the others are kept.
 */
export const SettingsRecordSchema = v.object({
  v: v.literal(2),
  keys: v.unknown(),
  phrase: v.unknown(),
  prefs: v.unknown(),
});
export { SecurityPhraseSchema, UiPrefsSchema, DEFAULT_PREFS };

const B64Std = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const Party = v.object({ actorUri: Str, fingerprint: Str });
const StatusIds = v.pipe(Strs, v.maxLength(16));
/** What a `hush-msg:` record holds once opened (it is stored sealed, as base64). */
export const SealedMessageSchema = v.pipe(
  v.object({
    plaintext: Str,
    sender: Party,
    recipients: v.pipe(v.array(Party), v.maxLength(64)),
    messageId: Str,
    replyTo: v.nullable(Str),
    createdAt: Num,
    statusIds: StatusIds,
    hashes: StatusIds,
    firstShownAt: Num,
  }),
  v.check((m) => m.hashes.length === m.statusIds.length),
);
export const StatusRecordSchema = v.object({ message: Str, hash: Str, index: Num });
export const ReplayRecordSchema = v.object({ statusIds: StatusIds, at: Num });
export const IndexEntrySchema = v.object({ first: Str, at: Num, senderTag: Str, messageId: Str, statusIds: StatusIds });
export const InboxAppSchema = v.object({
  origin: Str,
  clientId: Str,
  clientSecret: Str,
  redirectUri: Str,
  scopes: Strs,
});
export const InboxConnectionSchema = v.object({
  origin: Str,
  accountId: Str,
  acct: Str,
  sealedToken: Str,
  scopes: Strs,
  connectedAt: Num,
});
/** A list whose damaged entries are dropped one by one (the rest is kept). */
export function parseList<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T[] {
  return Array.isArray(value) ? value.map((x) => parseStored(schema, x)).filter((x): x is T => x !== null) : [];
}
/** What the background knows about a tab (tab-state.ts): the origin from the sender, the page it reported. */
export const TabStateSchema = v.object({ origin: Str, page: PageDetectedSchema, detectedAt: Num });
const SessionKindSchema = v.picklist(['view', 'editor']);
/** A session's one record (background/sessions.ts); its state is checked by its kind's handlers. */
export const SessionRecordSchema = v.object({
  kind: SessionKindSchema,
  tabId: Num,
  createdAt: Num,
  frameId: v.optional(Num),
  state: v.unknown(),
});
export const OfferSchema = v.object({ session: Str, kind: SessionKindSchema, tabId: Num, expires: Num });

export type AreaName = 'local' | 'session';

export interface StorageEntry {
  readonly area: AreaName;
  /** The exact key, or (ending in ':') the prefix of a family of keys. */
  readonly key: string;
  readonly prefix: boolean;
  readonly schema: v.GenericSchema;
  /** How large it can get, in words (the year-of-use test checks the numbers). */
  readonly bound: string;
  /** 'never': the user's keys, contacts and settings; otherwise what removes old entries. */
  readonly pruned: string;
  /** The module that owns it (the only writer). */
  readonly owner: string;
}

const entry = (
  area: AreaName,
  key: string,
  schema: v.GenericSchema,
  bound: string,
  pruned: string,
  owner: string,
): StorageEntry => ({ area, key, prefix: key.endsWith(':'), schema, bound, pruned, owner });

/** Every key Hush writes. Order: local (key store, settings, reader, inbox), then session. */
export const STORAGE_KEYS = {
  schema: entry('local', 'hush:schema', v.number(), 'one number', 'never', 'storage/migrations.ts'),
  account: entry('local', 'hush:account:', AccountRecordSchema, 'one per own account', 'never', 'storage/store.ts'),
  contacts: entry(
    'local',
    'hush:contacts',
    ContactsRecordSchema,
    'one record; each contact holds at most 128 keys revoked as compromised, 32 revoked otherwise and 32 revoked before they were seen',
    'never',
    'storage/store.ts',
  ),
  revokedUnpinned: entry(
    'local',
    'hush:revoked-unpinned',
    v.array(UnpinnedRevocationSchema),
    'MAX_UNPINNED_REVOCATIONS (256) entries',
    'oldest first, beyond 256',
    'storage/store.ts',
  ),
  vault: entry('local', 'hush:vault', VaultRecordSchema, 'one', 'never', 'storage/store.ts'),
  settings: entry('local', 'hush:settings', SettingsRecordSchema, 'one', 'never', 'settings/store.ts'),
  message: entry(
    'local',
    'hush-msg:',
    B64Std,
    'MAX_MESSAGES (2000) per account',
    'oldest first, beyond 2000',
    'overlay/message-store.ts',
  ),
  status: entry(
    'local',
    'hush-st:',
    StatusRecordSchema,
    'one per status of a remembered message',
    'with its message',
    'overlay/message-store.ts',
  ),
  replay: entry(
    'local',
    'hush-mid:',
    ReplayRecordSchema,
    'one per remembered message',
    'with its message',
    'overlay/message-store.ts',
  ),
  messageIndex: entry(
    'local',
    'hush-idx:',
    v.array(IndexEntrySchema),
    'one per account, at most 2000 entries',
    'oldest first, beyond 2000',
    'overlay/message-store.ts',
  ),
  messageStoreVersion: entry(
    'local',
    'hush-overlay-store',
    v.number(),
    'one number',
    'never',
    'overlay/message-store.ts',
  ),
  inboxApps: entry(
    'local',
    'hush-inbox:apps',
    v.array(InboxAppSchema),
    'one app per instance connected',
    'never (a few instances)',
    'inbox/store.ts',
  ),
  inboxConnections: entry(
    'local',
    'hush-inbox:connections',
    v.array(InboxConnectionSchema),
    'one per connected account',
    'on disconnect',
    'inbox/store.ts',
  ),
  inboxHushConversations: entry(
    'local',
    'hush-inbox:hush-convs:',
    v.pipe(Strs, v.maxLength(2000)),
    '2000 conversation ids per account',
    'oldest first, beyond 2000',
    'inbox/service.ts',
  ),
  inboxPlainConversations: entry(
    'local',
    'hush-inbox:plain-convs:',
    v.pipe(Strs, v.maxLength(2000)),
    '2000 "conversation id:last status id" per account (threads looked through, no Hush status)',
    'oldest first, beyond 2000',
    'inbox/service.ts',
  ),
  offersFirefox: entry(
    'local',
    'hush:offers',
    v.record(v.string(), OfferSchema),
    'live offers only (each expires in 60 s), at most 2000',
    'expired offers at each write',
    'sessions.ts',
  ),
  testOnly: entry(
    'local',
    'hush-test:',
    v.unknown(),
    'clock offset, WebFinger origins and join faults, test builds only',
    'never',
    'background/index.ts, keys/test-recorder.ts',
  ),
  tab: entry('session', 'tab:', TabStateSchema, 'one per open tab', 'when the tab closes', 'tab-state.ts'),
  session: entry(
    'session',
    'session:',
    SessionRecordSchema,
    'one per open editor or shown message (its kind, tab, bound frame and state: draft or status)',
    'when its tab closes',
    'sessions.ts',
  ),
  offers: entry(
    'session',
    'hush:offers',
    v.record(v.string(), OfferSchema),
    'live offers only, at most 2000',
    'expired offers at each write',
    'sessions.ts',
  ),
  stale: entry('session', 'hush:stale', v.unknown(), 'one', 'overwritten', 'overlay/handlers.ts'),
  vaultKey: entry('session', 'hush:vault-key', Str, 'one', 'at lock', 'keys/services-impl.ts'),
  lastActivity: entry('session', 'hush:last-activity', Num, 'one', 'overwritten', 'keys/services-impl.ts'),
  inboxDraft: entry(
    'session',
    'inbox-draft:',
    v.object({ text: Str }),
    'one per conversation written to, memory only',
    'when sent; with the browser session',
    'inbox/service.ts',
  ),
} as const satisfies Record<string, StorageEntry>;

/** The entry a stored key belongs to, or null (a key nothing here names: not Hush's, or a leftover). */
export function entryOf(area: AreaName, key: string): StorageEntry | null {
  for (const e of Object.values(STORAGE_KEYS))
    if (e.area === area && (e.prefix ? key.startsWith(e.key) : key === e.key)) return e;
  return null;
}

/** A stored value checked against its schema: the value, or null (absent or damaged alike). */
export function parseStored<T>(schema: v.GenericSchema<unknown, T>, value: unknown): T | null {
  if (value === undefined) return null;
  const p = v.safeParse(schema, value);
  return p.success ? p.output : null;
}
