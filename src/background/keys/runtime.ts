/**
 * The key store's state holder: storage (migrated once per start), the vault (passphrase lock),
 * unlocked key material, and the injected outside world (clock, network, token source). Every
 * entry point (popup handlers, overlay services, alarms) goes through one KeyRuntime, so they share
 * the unlocked state and the write lock.
 */
import { init as initProtocol } from '../../protocol/index';
import type { AccountRef } from '../services';
import { MastodonApi } from '../network/mastodon';
import type { Fetch } from '../network/http';
import { b64, unb64 } from '../../messaging/encoding';
import type { KeyValueArea } from '../storage/kv';
import { migrate, type MigrationOutcome } from '../storage/migrations';
import { accountKey, VAULT_KEY, type AccountRecord } from '../storage/schema';
import { KeyStore } from '../storage/store';
import { fromPlain, toPlain, type KeyMaterial } from './material';
import { createVault, openVault, seal, unseal, VAULT_COST, type KdfCost } from './vault';
import sodium from 'libsodium-wrappers-sumo';

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
