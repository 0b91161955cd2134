/**
 * Typed access to the key store's records. Writers go through `update*`, which serialise
 * read-modify-write under one mutex and write each record whole (atomic). A failed write (quota,
 * storage error) rejects and leaves the previous record in place: callers report it and keep
 * working with what is stored.
 */
import { createSettingsStore } from '../settings/store';
import {
  AccountRecordSchema,
  ContactSchema,
  ContactsRecordSchema,
  parseList,
  parseStored,
  UnpinnedRevocationSchema,
  VaultRecordSchema,
} from './keys';
import type { KeyValueArea } from './kv';
import { Mutex } from './kv';
import {
  ACCOUNT_PREFIX,
  CONTACTS_KEY,
  REVOKED_UNPINNED_KEY,
  VAULT_KEY,
  accountKey,
  type AccountRecord,
  type Contact,
  type ContactsRecord,
  type Settings,
  type UnpinnedRevocation,
  type VaultRecord,
} from './schema';

/** How many revocations shown by actors with no contact are remembered (issue #21 leftover). */
export const MAX_UNPINNED_REVOCATIONS = 256;

export class KeyStore {
  private readonly mutex = new Mutex();

  constructor(readonly area: KeyValueArea) {}

  /** Runs `fn` with exclusive write access (reads inside see the latest committed state). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(fn);
  }

  async account(origin: string, accountId: string): Promise<AccountRecord | null> {
    const k = accountKey(origin, accountId);
    return parseStored(AccountRecordSchema, (await this.area.get([k]))[k]);
  }

  /** Own accounts; a record failing its schema is left in storage, untouched, and not listed. */
  async accounts(): Promise<AccountRecord[]> {
    const all = await this.area.getAll();
    return Object.entries(all)
      .filter(([k]) => k.startsWith(ACCOUNT_PREFIX))
      .map(([, v]) => parseStored(AccountRecordSchema, v))
      .filter((r): r is AccountRecord => r !== null);
  }

  async putAccount(record: AccountRecord): Promise<void> {
    await this.area.set({ [accountKey(record.origin, record.accountId)]: record });
  }

  /** Several accounts in one write (re-sealing everything when a passphrase changes). */
  async putAccounts(records: readonly AccountRecord[], extra: Record<string, unknown> = {}): Promise<void> {
    const items: Record<string, unknown> = { ...extra };
    for (const r of records) items[accountKey(r.origin, r.accountId)] = r;
    await this.area.set(items);
  }

  /**
   * Each contact is parsed on its own: a damaged entry is not listed (its key is fetched and pinned
   * again, as for a new contact) and the next contact write drops it; the others are kept.
   */
  async contacts(): Promise<readonly Contact[]> {
    const r = parseStored(ContactsRecordSchema, (await this.area.get([CONTACTS_KEY]))[CONTACTS_KEY]);
    return r === null
      ? []
      : r.contacts.map((c) => parseStored(ContactSchema, c)).filter((c): c is Contact => c !== null);
  }

  async contact(actorUri: string): Promise<Contact | null> {
    return (await this.contacts()).find((c) => c.actorUri === actorUri) ?? null;
  }

  /**
   * Replace (or add) one contact. Call inside `exclusive`. One handle is one contact: another
   * contact holding the same handle is refused (resolver turns that into an identity change).
   */
  async putContact(contact: Contact): Promise<void> {
    const all = await this.contacts();
    const acct = contact.acct.toLowerCase();
    if (all.some((c) => c.actorUri !== contact.actorUri && c.acct.toLowerCase() === acct))
      throw new Error(`another contact already holds ${contact.acct}`);
    const list = all.filter((c) => c.actorUri !== contact.actorUri);
    await this.area.set({ [CONTACTS_KEY]: { v: 3, contacts: [...list, contact] } satisfies ContactsRecord });
  }

  /**
   * An accepted identity change: the contact stored under `previousActorUri` becomes `contact`
   * (new actor URI and/or handle), replacing any other contact that held the new actor URI or
   * handle, in one write. Call inside `exclusive`.
   */
  async rebindContact(previousActorUri: string, contact: Contact): Promise<void> {
    const acct = contact.acct.toLowerCase();
    const list = (await this.contacts()).filter(
      (c) => c.actorUri !== previousActorUri && c.actorUri !== contact.actorUri && c.acct.toLowerCase() !== acct,
    );
    await this.area.set({ [CONTACTS_KEY]: { v: 3, contacts: [...list, contact] } satisfies ContactsRecord });
  }

  /** Drops one contact (an accepted identity change whose new side has no key). Call inside `exclusive`. */
  async removeContact(actorUri: string): Promise<void> {
    const list = (await this.contacts()).filter((c) => c.actorUri !== actorUri);
    await this.area.set({ [CONTACTS_KEY]: { v: 3, contacts: list } satisfies ContactsRecord });
  }

  /** Revocations shown by actors no contact is pinned for (damaged entries dropped one by one). */
  async unpinnedRevocations(actorUri?: string): Promise<UnpinnedRevocation[]> {
    const all = parseList(
      UnpinnedRevocationSchema,
      (await this.area.get([REVOKED_UNPINNED_KEY]))[REVOKED_UNPINNED_KEY],
    );
    return actorUri === undefined ? all : all.filter((r) => r.actorUri === actorUri);
  }

  /**
   * Remembers a revocation shown by an actor with no contact (call inside `exclusive`). One entry
   * per actor and key; a later revocation as compromised replaces another reason, never the
   * reverse. The newest MAX_UNPINNED_REVOCATIONS are kept: anyone can mint revocations of
   * throwaway keys, so this list is bounded, and so is what an instance can make it forget.
   */
  async rememberUnpinnedRevocation(r: UnpinnedRevocation): Promise<void> {
    const all = await this.unpinnedRevocations();
    const prior = all.find((x) => x.actorUri === r.actorUri && x.identityPk === r.identityPk);
    if (prior !== undefined && (prior.reason === 'compromised' || r.reason !== 'compromised')) return;
    const list = [...all.filter((x) => x !== prior), r].slice(-MAX_UNPINNED_REVOCATIONS);
    await this.area.set({ [REVOKED_UNPINNED_KEY]: list });
  }

  /** The key settings, from the one settings record (settings/store.ts). */
  settings(): Promise<Settings> {
    return createSettingsStore(this.area).getKeySettings();
  }

  async putSettings(s: Settings): Promise<void> {
    await createSettingsStore(this.area).setKeySettings(s);
  }

  async vault(): Promise<VaultRecord | null> {
    return parseStored(VaultRecordSchema, (await this.area.get([VAULT_KEY]))[VAULT_KEY]);
  }
}
