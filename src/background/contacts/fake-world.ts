/**
 * Test helper (used by *.test.ts only): a few Mastodon instances answering lookup, resolving
 * search and WebFinger from editable in-memory accounts, so a test can play a malicious home
 * instance that rewrites its answers (issue #21). Each instance `x.test` is https://x.test and its
 * handles are user@x.test; `home.test` is the user's own instance.
 */
import { createChain, currentPrekey, encodeBundle, generateIdentity, type Identity } from '../../protocol/index';
import type { AccountJson } from '../network/mastodon';

export interface FakeAccount {
  username: string;
  /** acct as this instance shows it: bare for its own accounts, user@domain for cached remote ones. */
  acct: string;
  uri: string;
  url: string;
  fields: { name: string; value: string }[];
}

export interface FakeInstance {
  readonly origin: string;
  /** What lookup / search answer, by requested handle (lower case, full user@domain). */
  readonly accounts: Map<string, FakeAccount>;
  /** WebFinger answers by handle (lower case): the `self` link. Defaults to the account's uri for own accounts. */
  readonly webfinger: Map<string, string>;
  down: boolean;
}

export interface FakeWorld {
  readonly instances: Map<string, FakeInstance>;
  readonly requests: string[];
  instance(domain: string): FakeInstance;
  /** A fresh identity with a bundle field for the actor at `domain`/users/`user`. */
  person(
    domain: string,
    user: string,
    epoch?: number,
  ): { identity: Identity; uri: string; account: FakeAccount; field: string };
  fetch(url: string, init: RequestInit): Promise<Response>;
}

export const hushField = (identity: Identity, epoch = 1, seed = 0): string =>
  encodeBundle(identity, epoch, currentPrekey(createChain(1_800_000_000 + seed)).publicKey);

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function toJson(a: FakeAccount, id: number): AccountJson {
  return { id: String(id), username: a.username, acct: a.acct, url: a.url, uri: a.uri, fields: a.fields };
}

export function fakeWorld(): FakeWorld {
  const instances = new Map<string, FakeInstance>();
  const requests: string[] = [];
  const instance = (domain: string): FakeInstance => {
    let i = instances.get(domain);
    if (i === undefined) {
      i = { origin: `https://${domain}`, accounts: new Map(), webfinger: new Map(), down: false };
      instances.set(domain, i);
    }
    return i;
  };
  return {
    instances,
    requests,
    instance,
    person(domain, user, epoch = 1) {
      const uri = `https://${domain}/users/${user}`;
      const identity = generateIdentity(uri);
      const field = hushField(identity, epoch);
      const account: FakeAccount = {
        username: user,
        acct: user,
        uri,
        url: `https://${domain}/@${user}`,
        fields: [{ name: 'Hush', value: field }],
      };
      instance(domain).accounts.set(`${user}@${domain}`, account);
      return { identity, uri, account, field };
    },
    fetch(url) {
      requests.push(url);
      const u = new URL(url);
      const inst = instances.get(u.host);
      if (inst === undefined || inst.down) return Promise.reject(new TypeError('network error'));
      const ids = [...inst.accounts.keys()];
      if (u.pathname === '/api/v1/accounts/lookup') {
        const want = (u.searchParams.get('acct') ?? '').toLowerCase();
        const full = want.includes('@') ? want : `${want}@${u.host}`;
        const a = inst.accounts.get(full);
        return Promise.resolve(
          a === undefined ? json({ error: 'Record not found' }, 404) : json(toJson(a, ids.indexOf(full) + 1)),
        );
      }
      if (u.pathname === '/api/v2/search') {
        const q = (u.searchParams.get('q') ?? '').replace(/^@/, '').toLowerCase();
        const a = inst.accounts.get(q);
        return Promise.resolve(
          json({ accounts: a === undefined ? [] : [toJson(a, ids.indexOf(q) + 1)], statuses: [], hashtags: [] }),
        );
      }
      if (u.pathname === '/.well-known/webfinger') {
        const resource = (u.searchParams.get('resource') ?? '').replace(/^acct:/, '').toLowerCase();
        const own = inst.accounts.get(resource);
        const self =
          inst.webfinger.get(resource) ?? (own !== undefined && !own.acct.includes('@') ? own.uri : undefined);
        if (self === undefined) return Promise.resolve(new Response('', { status: 404 }));
        return Promise.resolve(
          json({
            subject: `acct:${resource}`,
            aliases: [self],
            links: [
              { rel: 'http://webfinger.net/rel/profile-page', type: 'text/html', href: self },
              { rel: 'self', type: 'application/activity+json', href: self },
            ],
          }),
        );
      }
      return Promise.resolve(json({ error: 'not found' }, 404));
    },
  };
}

/** The home instance's cached copy of a remote account (acct user@domain), as Mastodon shows it. */
export function cachedCopy(a: FakeAccount, domain: string): FakeAccount {
  return { ...a, acct: `${a.username}@${domain}`, fields: a.fields.map((f) => ({ ...f })) };
}
