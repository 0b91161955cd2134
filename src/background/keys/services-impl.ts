/**
 * The one implementation of KeyServices (the interface is ../services.ts): the key runtime
 * (storage migrated once per start, the vault, unlocked key material, and the injected outside
 * world: clock, network, token source), then the services' operations over it (readiness of
 * recipients, encrypt, decrypt, local sealing, sender trust, mention search), exported for the
 * flow tests, and `createKeyServices` at the end, what the overlay and the inbox receive. The
 * browser's outside world is given by the composition root (background/index.ts). Secret
 * material never leaves this module's callees; results carry only public values (statuses,
 * fingerprints, handles, plaintext for the secure frame).
 */
import sodium from 'libsodium-wrappers-sumo';
import {
  decryptMessage,
  encryptMessage,
  fingerprint,
  inspectMessage,
  keyId,
  init as initProtocol,
  MAX_RECIPIENTS,
  type DecryptResult,
  type Party,
  type RecipientKey,
} from '../../protocol/index';
import type {
  AccountProblem,
  AccountRef,
  DecryptFailure,
  DecryptOutcome,
  DecryptRequest,
  EncryptOutcome,
  EncryptRequest,
  RecipientProblem,
  RecipientReady,
  RecipientsCheck,
  SenderTrust,
  KeyServices,
} from '../services';
import { domainOf, fullHandle } from '../../messaging/handle';
import {
  commitObservation,
  contactByAcct,
  discoverUnpinned,
  mapBounded,
  RESOLVE_CONCURRENCY,
  resolveContact,
} from '../contacts/resolver';
import type { Observation } from '../contacts/tofu';
import { b64, hex, unb64, unhex } from '../../messaging/encoding';
import { MastodonApi } from '../network/mastodon';
import type { Fetch } from '../network/http';
import type { KeyValueArea } from '../storage/kv';
import { migrate, type MigrationOutcome } from '../storage/migrations';
import { accountKey, VAULT_KEY, type AccountRecord, type Contact } from '../storage/schema';
import { KeyStore } from '../storage/store';
import { fromPlain, toPlain, type KeyMaterial } from './material';
import { createVault, openVault, seal, unseal, VAULT_COST, type KdfCost } from './vault';

// ---- the key runtime ---------------------------------------------------------------------------

export type TokenPurpose = 'publish' | 'resolve';

export interface KeyDeps {
  readonly local: KeyValueArea;
  /** storage.session: memory only, survives worker restarts, cleared when the browser closes. */
  readonly session: KeyValueArea;
  readonly fetch: Fetch;
  /** Unix seconds; tests control it. */
  readonly now: () => Promise<number>;
  /** The user's token for an account, asked fresh from a tab of that account; never stored. */
  readonly token: (account: AccountRef, purpose: TokenPurpose) => Promise<string | null>;
  readonly vaultCost?: KdfCost;
  readonly backupCost?: KdfCost;
  /** Called when secrets become locked or unlocked, or an auto-lock time changes (alarms). */
  readonly onLockChange?: (locked: boolean) => void;
  /** Where WebFinger for a handle's domain is asked (default https://<domain>); test federations map their domains. */
  readonly webfingerOrigin?: (domain: string) => string | Promise<string>;
}

const SESSION_VAULT_KEY = 'hush:vault-key';
const SESSION_ACTIVITY = 'hush:last-activity';

export type MaterialResult = { ok: true; material: KeyMaterial } | { ok: false; reason: 'locked' | 'corrupt' };

export class KeyRuntime {
  readonly store: KeyStore;
  readonly api: MastodonApi;
  private ready: Promise<MigrationOutcome> | null = null;
  private vaultKeyCache: Uint8Array | null = null;

  constructor(readonly deps: KeyDeps) {
    this.store = new KeyStore(deps.local);
    this.api = new MastodonApi(
      deps.fetch,
      deps.webfingerOrigin === undefined ? {} : { webfingerOrigin: deps.webfingerOrigin },
    );
  }

  /**
   * Loads libsodium and migrates storage once per worker lifetime. Fails closed: while storage is
   * not at the current schema (newer Hush data, failed write) every key operation is refused; a
   * failed attempt is retried by the next call.
   */
  init(): Promise<MigrationOutcome> {
    this.ready ??= initProtocol()
      .then(() => sodium.ready)
      .then(() => migrate(this.deps.local))
      .then((r) => {
        if (!r.ok) throw new Error(`key store unavailable: ${r.reason} (${r.detail})`);
        return r;
      })
      .catch((e: unknown) => {
        this.ready = null;
        throw e;
      });
    return this.ready;
  }

  now(): Promise<number> {
    return this.deps.now();
  }

  // ---- vault -------------------------------------------------------------------------------

  async hasPassphrase(): Promise<boolean> {
    return (await this.store.vault()) !== null;
  }

  /** The vault key when unlocked (memory, else storage.session after a worker restart). */
  async vaultKey(): Promise<Uint8Array | null> {
    if (this.vaultKeyCache !== null) return this.vaultKeyCache;
    const got = await this.deps.session.get([SESSION_VAULT_KEY]);
    const key = unb64(got[SESSION_VAULT_KEY]);
    this.vaultKeyCache = key?.length === 32 ? key : null;
    return this.vaultKeyCache;
  }

  async isLocked(): Promise<boolean> {
    return (await this.hasPassphrase()) && (await this.vaultKey()) === null;
  }

  private async rememberKey(key: Uint8Array): Promise<void> {
    this.vaultKeyCache = key;
    await this.deps.session.set({ [SESSION_VAULT_KEY]: b64(key), [SESSION_ACTIVITY]: await this.now() });
    this.deps.onLockChange?.(false);
  }

  async lock(): Promise<void> {
    if (this.vaultKeyCache !== null) sodium.memzero(this.vaultKeyCache);
    this.vaultKeyCache = null;
    await this.deps.session.remove([SESSION_VAULT_KEY]);
    this.deps.onLockChange?.(true);
  }

  async unlock(passphrase: string): Promise<'ok' | 'wrong_passphrase' | 'no_passphrase'> {
    const vault = await this.store.vault();
    if (vault === null) return 'no_passphrase';
    const key = openVault(vault, passphrase);
    if (key === null) return 'wrong_passphrase';
    await this.rememberKey(key);
    return 'ok';
  }

  /**
   * Sets or changes the passphrase: every account's secrets are re-sealed under the new key in ONE
   * storage write with the new vault record (a failed write keeps the old passphrase working).
   */
  async setPassphrase(passphrase: string, current: string | null): Promise<'ok' | 'wrong_passphrase' | 'corrupt'> {
    return this.store.exclusive(async () => {
      const old = await this.store.vault();
      let oldKey: Uint8Array | null = null;
      if (old !== null) {
        oldKey = current === null ? await this.vaultKey() : openVault(old, current);
        if (oldKey === null || current === null) return 'wrong_passphrase';
      }
      const { record, key } = createVault(passphrase, this.deps.vaultCost ?? VAULT_COST);
      const resealed: AccountRecord[] = [];
      for (const acc of await this.store.accounts()) {
        const k = accountKey(acc.origin, acc.accountId);
        const plain =
          acc.secrets.kind === 'plain' ? acc.secrets : oldKey === null ? null : unseal(oldKey, k, acc.secrets);
        if (plain === null) return 'corrupt';
        resealed.push({ ...acc, secrets: seal(key, k, plain) });
      }
      await this.store.putAccounts(resealed, { [VAULT_KEY]: record });
      await this.rememberKey(key);
      return 'ok';
    });
  }

  // ---- activity / auto-lock ------------------------------------------------------------------

  async touch(): Promise<void> {
    if (this.vaultKeyCache === null && !(await this.hasPassphrase())) return;
    await this.deps.session.set({ [SESSION_ACTIVITY]: await this.now() });
  }

  /** Locks when idle for longer than the configured delay. Returns true when it locked now. */
  async autoLockIfIdle(): Promise<boolean> {
    const { autoLockSeconds } = await this.store.settings();
    if (autoLockSeconds <= 0 || (await this.vaultKey()) === null) return false;
    const got = await this.deps.session.get([SESSION_ACTIVITY]);
    const last = typeof got[SESSION_ACTIVITY] === 'number' ? got[SESSION_ACTIVITY] : 0;
    if ((await this.now()) - last < autoLockSeconds) return false;
    await this.lock();
    return true;
  }

  // ---- key material ----------------------------------------------------------------------

  async account(ref: AccountRef): Promise<AccountRecord | null> {
    return this.store.account(ref.origin, ref.accountId);
  }

  async material(record: AccountRecord): Promise<MaterialResult> {
    let plain = record.secrets.kind === 'plain' ? record.secrets : null;
    if (record.secrets.kind === 'sealed') {
      const key = await this.vaultKey();
      if (key === null) return { ok: false, reason: 'locked' };
      plain = unseal(key, accountKey(record.origin, record.accountId), record.secrets);
    }
    const m = plain === null ? null : fromPlain(record.actorUri, plain);
    return m === null ? { ok: false, reason: 'corrupt' } : { ok: true, material: m };
  }

  /** Secrets at rest for new material: sealed when a passphrase is set (requires unlocked). */
  async secretsFor(
    record: Pick<AccountRecord, 'origin' | 'accountId'>,
    m: KeyMaterial,
  ): Promise<AccountRecord['secrets'] | 'locked'> {
    const plain = toPlain(m);
    if (!(await this.hasPassphrase())) return plain;
    const key = await this.vaultKey();
    if (key === null) return 'locked';
    return seal(key, accountKey(record.origin, record.accountId), plain);
  }
}

// ---- the services ----------------------------------------------------------------------------

type Me = { ok: true; record: AccountRecord; material: KeyMaterial } | { ok: false; problem: AccountProblem };

async function me(rt: KeyRuntime, account: AccountRef): Promise<Me> {
  await rt.init();
  const record = await rt.account(account);
  if (record === null) return { ok: false, problem: 'not_enabled' };
  if (record.status === 'revoked') return { ok: false, problem: 'revoked' };
  const m = await rt.material(record);
  if (!m.ok) return { ok: false, problem: m.reason === 'locked' ? 'locked' : 'not_enabled' };
  await rt.touch();
  return { ok: true, record, material: m.material };
}

const pk = (b64text: string): Uint8Array => unb64(b64text) ?? new Uint8Array(32);

async function check(
  rt: KeyRuntime,
  record: AccountRecord,
  accts: readonly string[],
): Promise<(RecipientReady | RecipientProblem)[]> {
  const home = domainOf(record.acct);
  const wanted = [...new Set(accts.map((a) => fullHandle(a, home) ?? `!${a}`))].filter(
    (a) => a.toLowerCase() !== record.acct.toLowerCase(),
  );
  // Several recipients at once, never more than RESOLVE_CONCURRENCY lookups in flight (issue #21).
  return mapBounded(wanted, RESOLVE_CONCURRENCY, async (acct): Promise<RecipientReady | RecipientProblem> => {
    if (acct.startsWith('!')) return { kind: 'not_found', acct: acct.slice(1) };
    const r = await resolveContact(rt, record, acct);
    if (!r.ok) return r.problem;
    const c = r.contact;
    const wasVerified = c.pinned.trust !== 'verified' && c.history.some((h) => h.trust === 'verified');
    // The profile no longer carries the pinned key: still encrypted to it, and said loudly.
    const warning = c.withdrawn === null ? null : ('key_withdrawn' as const);
    return {
      kind: 'ready',
      acct,
      actorUri: c.actorUri,
      trust: c.pinned.trust,
      fingerprint: c.pinned.fingerprint,
      wasVerified,
      warning,
    };
  });
}

export async function checkRecipients(
  rt: KeyRuntime,
  account: AccountRef,
  accts: readonly string[],
): Promise<RecipientsCheck> {
  await rt.init();
  const record = await rt.account(account);
  const m = await me(rt, account);
  const recipients = record === null ? [] : await check(rt, record, accts);
  return { account: m.ok ? 'ready' : m.problem, recipients };
}

export async function encrypt(rt: KeyRuntime, account: AccountRef, req: EncryptRequest): Promise<EncryptOutcome> {
  const m = await me(rt, account);
  if (!m.ok) return { ok: false, account: m.problem, recipients: [], message: `your account is ${m.problem}` };
  const results = await check(rt, m.record, req.recipients);
  const problems = results.filter((r): r is RecipientProblem => r.kind !== 'ready');
  if (problems.length > 0)
    return {
      ok: false,
      account: null,
      recipients: problems,
      message: 'some recipients cannot receive encrypted messages',
    };
  const ready = results as RecipientReady[];
  if (ready.length === 0) return { ok: false, account: null, recipients: [], message: 'no recipients' };
  const keys: RecipientKey[] = [];
  for (const r of ready) {
    const c = await rt.store.contact(r.actorUri);
    if (c?.bundle == null)
      return {
        ok: false,
        account: null,
        recipients: [{ kind: 'no_key', acct: r.acct }],
        message: 'recipient key vanished',
      };
    keys.push({
      actorUri: c.actorUri,
      identityPk: pk(c.pinned.identityPk),
      prekeyPk: pk(c.bundle.prekeyPk),
      epoch: c.bundle.epoch,
    });
  }
  const home = domainOf(m.record.acct);
  const mentionText = `${ready.map((r) => (domainOf(r.acct) === home ? `@${r.acct.slice(0, r.acct.lastIndexOf('@'))}` : `@${r.acct}`)).join(' ')} `;
  const replyTo = req.replyTo === null ? null : unhex(req.replyTo);
  if (replyTo === undefined || (replyTo !== null && replyTo.length !== 16))
    return { ok: false, account: null, recipients: [], message: 'bad replyTo id' };
  const now = await rt.now();
  const out = encryptMessage({
    sender: m.material,
    recipients: keys,
    plaintext: req.plaintext,
    replyTo,
    now,
    statusBudget: { maxChars: req.maxChars, mentionText },
  });
  if (!out.ok) return { ok: false, account: null, recipients: [], message: `cannot encrypt: ${out.reason}` };
  return {
    ok: true,
    statuses: out.value.statuses,
    messageId: hex(out.value.messageId),
    recipients: ready.map((r) => ({ acct: r.acct, actorUri: r.actorUri, fingerprint: r.fingerprint })),
    sender: { actorUri: m.record.actorUri, fingerprint: fingerprint(m.material.identity.publicKey) },
    createdAt: now,
  };
}

export const fail = (reason: DecryptFailure, message: string): DecryptOutcome => ({ ok: false, reason, message });

/** The pinned key first, then earlier keys (messages signed before a key change still verify). */
function authorKeys(c: Contact): Uint8Array[] {
  return [pk(c.pinned.identityPk), ...[...c.history].reverse().map((h) => pk(h.identityPk))];
}

/**
 * A party of the message by handle: the user, a pinned contact (store only, no network), or, for a
 * handle no contact is pinned under, what discovery confirms, NOT pinned (`candidate`): it is
 * pinned only once the message verifies (issue #21). A lookup that fails or that the instances
 * do not answer alike (a stale or hiding home instance) is `unreachable`: neutral, retried, never
 * a verdict. `unknown`: the account's own instance confirms it has no usable Hush key.
 */
type PartyLookup =
  | { ok: true; party: Party; contact: Contact | null; candidate: Observation | null }
  | { ok: false; reason: 'unreachable' | 'unknown' | 'key_changed' | 'identity_changed'; message: string };

async function partyOf(
  rt: KeyRuntime,
  record: AccountRecord,
  self: Party,
  acct: string,
  actorUri: string | null,
  role: 'author' | 'recipient',
): Promise<PartyLookup> {
  if (acct.toLowerCase() === record.acct.toLowerCase()) {
    return actorUri === null || actorUri === self.actorUri
      ? { ok: true, party: self, contact: null, candidate: null }
      : { ok: false, reason: 'identity_changed', message: `${acct} is under review` };
  }
  const pinned = await contactByAcct(rt, acct);
  if (pinned !== null) {
    // A pinned contact is read from the store only: no request to the sender's instance.
    if (actorUri !== null && actorUri !== pinned.actorUri)
      return { ok: false, reason: 'identity_changed', message: `${acct} is under review` };
    return {
      ok: true,
      party: { actorUri: pinned.actorUri, identityPk: pk(pinned.pinned.identityPk) },
      contact: pinned,
      candidate: null,
    };
  }
  const found = await discoverUnpinned(rt, record, acct);
  if (!found.ok) {
    // Not a verdict about the message: the home instance may hold an old copy of the profile or
    // hide the account, or an instance did not answer (issue #21, claim 4).
    const why =
      found.kind === 'disagreement'
        ? `the instances disagree about ${acct}'s key (${found.message})`
        : found.kind === 'not_found'
          ? `${acct} could not be looked up (${found.message})`
          : found.message;
    return { ok: false, reason: 'unreachable', message: `cannot confirm ${acct}'s key right now: ${why}` };
  }
  const obs = found.obs;
  if (actorUri !== null && actorUri !== obs.actorUri)
    return { ok: false, reason: 'identity_changed', message: `${acct} is under review` };
  const atUri = await rt.store.contact(obs.actorUri);
  if (atUri !== null) {
    // The actor is a contact pinned under another handle: its pinned key. The status author's
    // binding is put up for review (issue #21.1); a mention changes nothing stored.
    const c = role === 'author' ? ((await commitObservation(rt, acct, obs)).contact ?? atUri) : atUri;
    return {
      ok: true,
      party: { actorUri: c.actorUri, identityPk: pk(c.pinned.identityPk) },
      contact: c,
      candidate: null,
    };
  }
  if (obs.material.kind !== 'bundle')
    return { ok: false, reason: 'unknown', message: `${acct} has no usable Hush key` };
  return {
    ok: true,
    party: { actorUri: obs.actorUri, identityPk: obs.material.bundle.identityPk },
    contact: null,
    candidate: obs,
  };
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export async function decrypt(rt: KeyRuntime, account: AccountRef, req: DecryptRequest): Promise<DecryptOutcome> {
  await rt.init();
  const record = await rt.account(account);
  if (record === null) return fail('not_enabled', 'Hush is not enabled for this account');
  const m = await rt.material(record);
  if (!m.ok)
    return fail(
      m.reason === 'locked' ? 'locked' : 'not_enabled',
      m.reason === 'locked' ? 'locked: unlock to read' : 'stored keys are damaged',
    );
  await rt.touch();
  const home = domainOf(record.acct);
  const self: Party = { actorUri: record.actorUri, identityPk: m.material.identity.publicKey };
  const authorAcct = fullHandle(req.author.acct, home);
  if (authorAcct === null) return fail('unknown_sender', 'unreadable author handle');
  const texts = req.chunks.map((c) => c.text);
  // The envelope first, with no network: a status that is not a well-formed Hush message, or whose
  // mention list is longer than its envelope allows, makes no lookup at all (issue #21, claim 6).
  const claimed = inspectMessage(texts);
  if (!claimed.ok) return fail(claimed.reason, claimed.detail ?? claimed.reason);
  const isAuthor = authorAcct.toLowerCase() === record.acct.toLowerCase();
  const others: string[] = [];
  let mentionsMe = false;
  for (const raw of req.mentions) {
    const acct = fullHandle(raw, home);
    if (acct === null) return fail('unknown_recipient', `unreadable mention ${raw}`);
    const key = acct.toLowerCase();
    if (key === record.acct.toLowerCase()) mentionsMe = true;
    else if (key !== authorAcct.toLowerCase() && !others.some((o) => o.toLowerCase() === key)) others.push(acct);
  }
  if (!isAuthor && !mentionsMe) return fail('not_a_recipient', 'the status does not mention you');
  if (others.length > MAX_RECIPIENTS)
    return fail('recipients_mismatch', `${others.length} mentions: a message has at most ${MAX_RECIPIENTS} recipients`);
  const mentioned = others.length + (isAuthor ? 0 : 1);
  if (claimed.value.recipientCount !== null && mentioned > claimed.value.recipientCount) {
    return fail(
      'recipients_mismatch',
      `${mentioned} recipients mentioned, the message has ${claimed.value.recipientCount}`,
    );
  }
  const author = await partyOf(rt, record, self, authorAcct, req.author.actorUri, 'author');
  if (!author.ok) return fail(author.reason === 'unknown' ? 'unknown_sender' : author.reason, author.message);
  // The keys the author may have signed with; a claimed key id none of them has fails here, before
  // any co-recipient is looked up.
  const candidates = (
    author.candidate !== null
      ? [author.party.identityPk]
      : author.contact === null
        ? [self.identityPk]
        : authorKeys(author.contact)
  ).filter((k) => sameBytes(keyId(k), claimed.value.senderKeyId));
  if (candidates.length === 0) {
    if (author.contact?.pendingChange != null)
      return fail('key_changed', "the sender's key changed: review it in the Hush popup");
    return fail('sender_mismatch', 'signed by a key the author is not known to have');
  }
  // Co-recipients: pinned ones from the store; unknown ones discovered a few at a time, not pinned.
  let stop: DecryptOutcome | null = null;
  const parties = await mapBounded(others, RESOLVE_CONCURRENCY, async (acct): Promise<PartyLookup | null> => {
    if (stop !== null) return null;
    const p = await partyOf(rt, record, self, acct, null, 'recipient');
    if (!p.ok)
      stop ??= fail(
        p.reason === 'unreachable' ? 'unreachable' : 'unknown_recipient',
        p.reason === 'unreachable' ? p.message : `no key is known for ${acct}`,
      );
    return p;
  });
  if (stop !== null) return stop;
  const found = parties.filter((p): p is Extract<PartyLookup, { ok: true }> => p?.ok === true);
  const recipients = [...(mentionsMe && !isAuthor ? [self] : []), ...found.map((p) => p.party)];
  const now = await rt.now();
  let result: DecryptResult | null = null;
  let used: Uint8Array | undefined;
  for (const key of candidates) {
    used = key;
    result = decryptMessage(texts, {
      author: { actorUri: author.party.actorUri, identityPk: key },
      recipients,
      me: { ...self, chain: m.material.chain },
      now,
    });
    if (result.ok || result.reason !== 'sender_mismatch') break;
  }
  if (result === null || used === undefined) return fail('unknown_sender', 'no key');
  if (!result.ok) {
    if (result.reason === 'sender_mismatch' && author.contact?.pendingChange != null)
      return fail('key_changed', "the sender's key changed: review it in the Hush popup");
    return fail(result.reason, result.detail ?? result.reason);
  }
  // Verified: the sender signed these parties' keys. Only now are the newly discovered ones pinned.
  for (const p of [author, ...found]) {
    if (p.ok && p.candidate !== null) await commitObservation(rt, p.candidate.acct, p.candidate);
  }
  const v = result.value;
  return {
    ok: true,
    plaintext: v.plaintext,
    sender: { actorUri: v.sender.actorUri, fingerprint: fingerprint(used) },
    recipients: v.recipients.map((r) => ({ actorUri: r.actorUri, fingerprint: fingerprint(r.identityPk) })),
    messageId: hex(v.messageId),
    replyTo: v.replyTo === null ? null : hex(v.replyTo),
    createdAt: v.createdAt,
  };
}

/** Trust of an authenticated sender from the contacts store, now (see KeyServices.senderTrust). */
export async function senderTrust(
  rt: KeyRuntime,
  account: AccountRef,
  sender: { actorUri: string; fingerprint: string },
  createdAt: number,
): Promise<SenderTrust> {
  await rt.init();
  const record = await rt.account(account);
  if (
    record !== null &&
    sender.actorUri === record.actorUri &&
    sender.fingerprint === fingerprint(pk(record.identityPk))
  )
    return { kind: 'self', acct: record.acct, fingerprint: sender.fingerprint };
  const c = await rt.store.contact(sender.actorUri);
  if (c === null) {
    // Revoked before any contact was pinned for this actor (its profile showed the revocation).
    const dead = (await rt.store.unpinnedRevocations(sender.actorUri)).filter(
      (d) => d.fingerprint === sender.fingerprint,
    );
    if (dead.some((r) => r.reason === 'compromised' || createdAt >= r.revokedAt))
      return { kind: 'revoked', acct: null, fingerprint: sender.fingerprint };
    return { kind: 'unknown', acct: null, fingerprint: sender.fingerprint };
  }
  const at = { acct: c.acct, fingerprint: sender.fingerprint };
  // A key its owner revoked is dead: a revocation as compromised covers every message, whatever
  // time it claims; any other revocation covers what was signed after it (issue #21, invariant 2).
  const revocations = [
    ...c.deadKeys.filter((d) => d.fingerprint === sender.fingerprint),
    ...c.history.filter((h) => h.fingerprint === sender.fingerprint && h.revoked !== null).map((h) => h.revoked),
    ...(c.pinned.fingerprint === sender.fingerprint && c.revoked !== null ? [c.revoked] : []),
  ];
  if (revocations.some((r) => r !== null && (r.reason === 'compromised' || createdAt >= r.revokedAt)))
    return { kind: 'revoked', ...at };
  if (c.identityChange !== null) return { kind: 'identity_review', ...at };
  if (c.pinned.fingerprint === sender.fingerprint) {
    if (c.pendingChange !== null && c.pendingChange.identityPk === c.pinned.identityPk)
      return { kind: 'identity_review', ...at };
    return { kind: c.pinned.trust, ...at };
  }
  if (c.history.some((h) => h.fingerprint === sender.fingerprint)) return { kind: 'key_changed', ...at };
  return { kind: 'unknown', acct: null, fingerprint: sender.fingerprint };
}

/** Pinned handles for actor URIs (see KeyServices.handlesOf). */
export async function handlesOf(
  rt: KeyRuntime,
  account: AccountRef,
  actorUris: readonly string[],
): Promise<(string | null)[]> {
  await rt.init();
  const record = await rt.account(account);
  const contacts = await rt.store.contacts();
  return actorUris.map((u) =>
    record !== null && u === record.actorUri ? record.acct : (contacts.find((c) => c.actorUri === u)?.acct ?? null),
  );
}

export const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const LOCAL_LABEL = 'hush1/local-cache';

function localKey(m: KeyMaterial): Uint8Array {
  return sodium.crypto_generichash(32, sodium.from_string(LOCAL_LABEL), m.identity.seed);
}

export async function sealLocal(
  rt: KeyRuntime,
  account: AccountRef,
  data: Uint8Array,
): Promise<Uint8Array | AccountProblem> {
  const m = await me(rt, account);
  if (!m.ok) return m.problem;
  const key = localKey(m.material);
  const nonce = sodium.randombytes_buf(24);
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    data,
    sodium.from_string(m.record.actorUri),
    null,
    nonce,
    key,
  );
  sodium.memzero(key);
  const out = new Uint8Array(24 + ct.length);
  out.set(nonce);
  out.set(ct, 24);
  return out;
}

export async function openLocal(
  rt: KeyRuntime,
  account: AccountRef,
  sealed: Uint8Array,
): Promise<Uint8Array | AccountProblem | 'corrupt'> {
  const m = await me(rt, account);
  if (!m.ok) return m.problem;
  if (!(sealed instanceof Uint8Array) || sealed.length < 24 + 16) return 'corrupt';
  const key = localKey(m.material);
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.subarray(24),
      sodium.from_string(m.record.actorUri),
      sealed.subarray(0, 24),
      key,
    );
  } catch {
    return 'corrupt';
  } finally {
    sodium.memzero(key);
  }
}

/** Mention completion from the user's instance (see KeyServices.searchAccounts). */
export async function searchAccounts(
  rt: KeyRuntime,
  account: AccountRef,
  query: string,
): Promise<{ acct: string; hasKey: boolean }[]> {
  await rt.init();
  const record = await rt.account(account);
  if (record === null) return [];
  const token = await rt.deps.token(account, 'resolve');
  if (token === null) return [];
  const r = await rt.api.searchAccounts(record.origin, query, token);
  if (!r.ok) return [];
  const home = domainOf(record.acct);
  const contacts = await rt.store.contacts();
  const out: { acct: string; hasKey: boolean }[] = [];
  for (const a of r.value.slice(0, 5)) {
    // Local accounts come as "user"; handles are always user@domain in Hush.
    const full = fullHandle(a.acct, home);
    if (full === null) continue;
    const c = contacts.find((x) => x.acct.toLowerCase() === full.toLowerCase());
    out.push({
      acct: full,
      hasKey: c !== undefined && c.bundle !== null && c.revoked === null && c.pendingChange === null,
    });
  }
  return out;
}

/** Pinned contacts for completion (see KeyServices.contactList). */
export async function contactList(
  rt: KeyRuntime,
  account: AccountRef,
): Promise<{ acct: string; trust: 'unverified' | 'verified' | 'changed'; usable: boolean }[]> {
  await rt.init();
  if ((await rt.account(account)) === null) return [];
  return (await rt.store.contacts()).map((c) => ({
    acct: c.acct,
    trust: c.pendingChange !== null || c.identityChange !== null ? 'changed' : c.pinned.trust,
    usable: c.bundle !== null && c.revoked === null && c.pendingChange === null && c.identityChange === null,
  }));
}

/**
 * The services over a key runtime (the background passes its shared browser runtime, tests their
 * own). Storage unusable (see KeyRuntime.init) or a bug: each operation answers with a typed "not
 * ready" or failure value, never throws.
 */
export function createKeyServices(rt: () => KeyRuntime): KeyServices {
  return {
    checkRecipients: (a, accts) =>
      checkRecipients(rt(), a, accts).catch(() => ({ account: 'not_enabled' as const, recipients: [] })),
    encrypt: (a, r) =>
      encrypt(rt(), a, r).catch((e: unknown) => ({
        ok: false as const,
        account: null,
        recipients: [],
        message: `internal: ${errText(e)}`,
      })),
    // Never throws on hostile input: anything unexpected becomes a typed failure.
    decrypt: (a, r) => decrypt(rt(), a, r).catch((e: unknown) => fail('internal', errText(e))),
    senderTrust: (a, s, t) =>
      senderTrust(rt(), a, s, t).catch(() => ({ kind: 'unknown' as const, acct: null, fingerprint: s.fingerprint })),
    handlesOf: (a, u) => handlesOf(rt(), a, u).catch(() => u.map(() => null)),
    sealLocal: (a, d) => sealLocal(rt(), a, d).catch(() => 'not_enabled' as const),
    openLocal: (a, s) => openLocal(rt(), a, s).catch(() => 'not_enabled' as const),
    searchAccounts: (a, q) => searchAccounts(rt(), a, q).catch(() => []),
    contactList: (a) => contactList(rt(), a).catch(() => []),
  };
}
