/**
 * The inbox's persistent records in storage.local (never readable by web pages or content
 * scripts' pages): one registered app per instance (client id and secret, the redirect URL it was
 * registered with) and one connection per account. A connection's access token is sealed with
 * KeyServices.sealLocal, the account's local key: with a passphrase it is locked with Hush, and
 * reading it needs the keys unlocked. Drafts live in storage.session (memory only): they survive
 * closing the panel and restarting the worker, never the browser, and never touch the disk.
 */
import { b64std, unb64std } from '../../messaging/encoding';
import type { AccountRef, KeyServices } from '../services';
import { InboxAppSchema, InboxConnectionSchema, parseList } from '../storage/keys';

export interface AppRecord {
  readonly origin: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface ConnectionRecord {
  readonly origin: string;
  readonly accountId: string;
  readonly acct: string;
  /** base64 of the sealed token. */
  readonly sealedToken: string;
  readonly scopes: readonly string[];
  readonly connectedAt: number;
}

export interface Area {
  get(keys: string[]): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

const APPS = 'hush-inbox:apps';
const CONNECTIONS = 'hush-inbox:connections';
export class InboxStore {
  /** One writer at a time (read-modify-write of the lists). */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly area: Area,
    private readonly services: KeyServices,
  ) {}

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  async apps(): Promise<AppRecord[]> {
    const got = await this.area.get([APPS]);
    const list = got[APPS];
    return parseList(InboxAppSchema, list);
  }

  async app(origin: string, redirectUri: string): Promise<AppRecord | null> {
    return (await this.apps()).find((a) => a.origin === origin && a.redirectUri === redirectUri) ?? null;
  }

  putApp(app: AppRecord): Promise<void> {
    return this.exclusive(async () => {
      const list = (await this.apps()).filter((a) => a.origin !== app.origin);
      await this.area.set({ [APPS]: [...list, app] });
    });
  }

  async connections(): Promise<ConnectionRecord[]> {
    const got = await this.area.get([CONNECTIONS]);
    const list = got[CONNECTIONS];
    return parseList(InboxConnectionSchema, list);
  }

  async connection(account: AccountRef): Promise<ConnectionRecord | null> {
    return (
      (await this.connections()).find((c) => c.origin === account.origin && c.accountId === account.accountId) ?? null
    );
  }

  /** Seals and stores the token; 'locked' / 'not_enabled' when the account's local key is not available. */
  async connect(
    account: AccountRef,
    acct: string,
    token: string,
    scopes: readonly string[],
    now: number,
  ): Promise<'ok' | 'locked' | 'not_enabled'> {
    const sealed = await this.services.sealLocal(account, new TextEncoder().encode(token));
    if (!(sealed instanceof Uint8Array)) return sealed === 'locked' ? 'locked' : 'not_enabled';
    const record: ConnectionRecord = {
      origin: account.origin,
      accountId: account.accountId,
      acct,
      sealedToken: b64std(sealed),
      scopes: [...scopes],
      connectedAt: now,
    };
    await this.exclusive(async () => {
      const list = (await this.connections()).filter(
        (c) => !(c.origin === account.origin && c.accountId === account.accountId),
      );
      await this.area.set({ [CONNECTIONS]: [...list, record] });
    });
    return 'ok';
  }

  /** The token, or why not: none stored, or the keys are locked. */
  async token(account: AccountRef): Promise<{ readonly token: string } | 'none' | 'locked'> {
    const c = await this.connection(account);
    if (c === null) return 'none';
    const sealed = unb64std(c.sealedToken) ?? null;
    if (sealed === null) return 'none';
    const opened = await this.services.openLocal(account, sealed);
    if (opened === 'locked') return 'locked';
    if (!(opened instanceof Uint8Array)) return 'none';
    return { token: new TextDecoder().decode(opened) };
  }

  forget(account: AccountRef): Promise<void> {
    return this.exclusive(async () => {
      const list = (await this.connections()).filter(
        (c) => !(c.origin === account.origin && c.accountId === account.accountId),
      );
      await this.area.set({ [CONNECTIONS]: list });
    });
  }
}
