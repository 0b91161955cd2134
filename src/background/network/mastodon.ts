/**
 * The one client for Mastodon's REST API (docs/mastodon-ui.md §6, §8) outside publishing: account lookup and
 * resolving search on the home instance, lookup on the account's own instance and WebFinger, the
 * user's own profile fields (the key store); app registration, the OAuth token exchange and
 * revocation, the conversation list (Link-paginated), a thread's statuses, mark read and account
 * search (the inbox). Every answer is outside data: bounded in time and size (http.ts), shape-checked
 * here, and failures come back as typed values (`ApiFailure`), never exceptions.
 */
import * as v from 'valibot';
import { requestJson, type Fetch, type HttpFailure, type HttpResult } from './http';

export const Str = (max: number) => v.pipe(v.string(), v.maxLength(max));

const MentionSchema = v.object({ id: Str(64), acct: Str(600), url: v.nullish(Str(2048)) });
export const StatusJsonSchema = v.object({
  id: Str(64),
  visibility: Str(20),
  in_reply_to_id: v.nullish(Str(64)),
  created_at: v.optional(Str(64)),
  content: Str(200_000),
  spoiler_text: v.optional(Str(20_000), ''),
  mentions: v.pipe(v.array(MentionSchema), v.maxLength(200)),
  media_attachments: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(50)), []),
  poll: v.nullish(v.unknown()),
  account: v.object({ id: Str(64), acct: Str(600), uri: v.optional(Str(2048)) }),
});
export type StatusJson = v.InferOutput<typeof StatusJsonSchema>;

const FieldSchema = v.object({ name: Str(4096), value: Str(16384) });
export const AccountJsonSchema = v.object({
  id: Str(64),
  username: Str(300),
  acct: Str(600),
  url: v.nullish(Str(2048)),
  uri: Str(2048),
  fields: v.optional(v.pipe(v.array(FieldSchema), v.maxLength(64)), []),
});
export type AccountJson = v.InferOutput<typeof AccountJsonSchema>;

const CredentialSchema = v.object({
  ...AccountJsonSchema.entries,
  source: v.object({ fields: v.pipe(v.array(FieldSchema), v.maxLength(64)) }),
});
export type CredentialJson = v.InferOutput<typeof CredentialSchema>;
export interface RawField {
  readonly name: string;
  readonly value: string;
}

/** `not_found`: an account lookup (lookup, resolve, WebFinger) answered 404 or named nobody. */
export type ApiFailure =
  HttpFailure | { readonly ok: false; readonly kind: 'bad_shape' | 'not_found'; readonly message: string };
export type ApiResult<T> = { readonly ok: true; readonly value: T } | ApiFailure;

/** An HTTP result checked against `schema`: the one place a Mastodon answer becomes a typed value. */
export function shaped<T>(r: HttpResult, schema: v.GenericSchema<unknown, T>): ApiResult<T> {
  if (!r.ok) return r;
  const p = v.safeParse(schema, r.json);
  return p.success
    ? { ok: true, value: p.output }
    : { ok: false, kind: 'bad_shape', message: 'unexpected response shape' };
}

/** For account lookups only: a 404 means "no such account", which discovery tells from an outage. */
function accountShaped<T>(r: HttpResult, schema: v.GenericSchema<unknown, T>): ApiResult<T> {
  return !r.ok && r.kind === 'status' && r.status === 404
    ? { ok: false, kind: 'not_found', message: 'no such account' }
    : shaped(r, schema);
}

/**
 * The streaming base URL an instance names in /api/v2/instance (`configuration.urls.streaming`), or
 * null (then the inbox has no live updates and reloads instead). Mastodon sets it from
 * STREAMING_API_BASE_URL, which an admin may point at another host (wss://streaming.example), and
 * otherwise derives ws(s):// + the web host: so another host is legitimate, but the OAuth token
 * travels there (Sec-WebSocket-Protocol), so it must be wss:// (review R2). ws:// only for an
 * http:// instance (the loopback test federation) on that instance's own host.
 */
export function streamingBaseOf(origin: string, streaming: string | null): string | null {
  if (streaming === null || !/^wss?:\/\/[^/\s?#@]+\/?$/.test(streaming)) return null;
  let url: URL;
  let home: URL;
  try {
    url = new URL(streaming);
    home = new URL(origin);
  } catch {
    return null;
  }
  if (url.username !== '' || url.password !== '') return null;
  const base = `${url.protocol}//${url.host}`;
  if (url.protocol === 'wss:') return base;
  return url.protocol === 'ws:' && home.protocol === 'http:' && url.hostname === home.hostname ? base : null;
}

/** A short English description of a failure, for diagnostics (the UI localises the kind). */
export const errorText = (f: ApiFailure): string => (f.kind === 'status' ? `HTTP ${f.status}` : f.message);

const JrdSchema = v.object({
  subject: v.optional(Str(600)),
  links: v.optional(
    v.pipe(
      v.array(v.object({ rel: Str(300), type: v.optional(Str(300)), href: v.optional(Str(2048)) })),
      v.maxLength(64),
    ),
    [],
  ),
});

const AppSchema = v.object({ client_id: Str(200), client_secret: Str(200) });
const TokenSchema = v.object({
  access_token: v.pipe(v.string(), v.regex(/^[\w.~+/=-]{8,512}$/)),
  scope: v.optional(Str(1000), ''),
});
const InstanceSchema = v.object({
  domain: v.pipe(v.string(), v.minLength(1), v.maxLength(253)),
  configuration: v.optional(
    v.object({
      urls: v.optional(v.object({ streaming: v.nullish(Str(300)) })),
      statuses: v.optional(
        v.object({ max_characters: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(100_000))) }),
      ),
    }),
  ),
});
const InboxStatusSchema = v.object({
  ...StatusJsonSchema.entries,
  created_at: v.optional(Str(64), ''),
  account: v.object({ id: Str(64), acct: Str(600), uri: v.optional(Str(2048)), url: v.optional(Str(2048)) }),
  /** A link preview and a quoted post (Mastodon 4.4+): only whether there is one matters (never signed). */
  card: v.nullish(v.unknown()),
  quote: v.nullish(v.unknown()),
});
export type InboxStatus = v.InferOutput<typeof InboxStatusSchema>;
const ConversationSchema = v.object({
  id: Str(64),
  unread: v.optional(v.boolean(), false),
  accounts: v.pipe(v.array(v.object({ id: Str(64), acct: Str(600) })), v.maxLength(100)),
  last_status: v.nullish(InboxStatusSchema),
});
export type ConversationJson = v.InferOutput<typeof ConversationSchema>;
const ContextSchema = v.object({
  ancestors: v.pipe(v.array(InboxStatusSchema), v.maxLength(5000)),
  descendants: v.pipe(v.array(InboxStatusSchema), v.maxLength(5000)),
});
/** The context of a long conversation is larger than an account's JSON. */
const THREAD_BYTES = 4 * 1024 * 1024;
const LIST_BYTES = 2 * 1024 * 1024;

/** The max_id of a Link header's rel="next", or null. */
export function nextCursor(link: string | undefined): string | null {
  if (link === undefined) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!m?.[1]) continue;
    try {
      const id = new URL(m[1]).searchParams.get('max_id');
      return id !== null && /^[0-9A-Za-z_-]{1,64}$/.test(id) ? id : null;
    } catch {
      return null;
    }
  }
  return null;
}

const AP_TYPES = ['application/activity+json', 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'];

export interface MastodonApiOptions {
  readonly timeoutMs?: number;
  /**
   * Where WebFinger for a handle's domain is asked: https://<domain> (RFC 7033). Test builds map
   * the test federation's domains (a.test, b.test) to their local origins here.
   */
  readonly webfingerOrigin?: (domain: string) => string | Promise<string>;
}

export class MastodonApi {
  private readonly timeoutMs: number;
  private readonly webfingerOrigin: (domain: string) => string | Promise<string>;

  constructor(
    private readonly fetchFn: Fetch,
    opts: number | MastodonApiOptions = {},
  ) {
    const o = typeof opts === 'number' ? { timeoutMs: opts } : opts;
    this.timeoutMs = o.timeoutMs ?? 8_000;
    this.webfingerOrigin = o.webfingerOrigin ?? ((domain) => `https://${domain}`);
  }

  /**
   * WebFinger at the handle's own domain: the actor URI (`rel=self`) that `acct:user@domain` names.
   * The answer must be about that handle (subject, case-insensitive). Redirects are followed: a
   * split-domain instance sends it on to its web host, the domain's own choice.
   */
  async webfinger(acct: string): Promise<ApiResult<string>> {
    const domain = acct.slice(acct.lastIndexOf('@') + 1).toLowerCase();
    const url = `${await this.webfingerHost(domain)}/.well-known/webfinger?resource=${encodeURIComponent(`acct:${acct}`)}`;
    const r = await requestJson(this.fetchFn, url, {
      timeoutMs: this.timeoutMs,
      accept: 'application/jrd+json, application/json',
      followRedirects: true,
      maxBytes: 64 * 1024,
    });
    const p = accountShaped(r, JrdSchema);
    if (!p.ok) return p;
    if (p.value.subject !== undefined && p.value.subject.replace(/^acct:/i, '').toLowerCase() !== acct.toLowerCase()) {
      return { ok: false, kind: 'bad_shape', message: `WebFinger answered for ${p.value.subject}, not ${acct}` };
    }
    const selfLinks = p.value.links.filter(
      (l) => l.rel === 'self' && l.href !== undefined && (l.type === undefined || AP_TYPES.includes(l.type)),
    );
    const hrefs = [...new Set(selfLinks.map((l) => l.href as string))];
    if (hrefs.length !== 1)
      return {
        ok: false,
        kind: 'bad_shape',
        message: hrefs.length === 0 ? 'WebFinger names no actor' : 'WebFinger names several actors',
      };
    return { ok: true, value: hrefs[0] as string };
  }

  /** Where WebFinger for `domain` is asked (named in failures). */
  async webfingerHost(domain: string): Promise<string> {
    return this.webfingerOrigin(domain.toLowerCase());
  }

  /** GET /api/v1/accounts/lookup?acct= : accounts the instance already knows (no token needed). */
  async lookup(origin: string, acct: string): Promise<ApiResult<AccountJson>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`, {
      timeoutMs: this.timeoutMs,
    });
    return accountShaped(r, AccountJsonSchema);
  }

  /** GET /api/v2/search?resolve=true : makes the home instance fetch (or refresh) a remote account. */
  async resolve(origin: string, acct: string, token: string): Promise<ApiResult<AccountJson>> {
    const q = encodeURIComponent(`@${acct}`);
    const r = await requestJson(this.fetchFn, `${origin}/api/v2/search?q=${q}&resolve=true&type=accounts&limit=5`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    const p = accountShaped(r, v.object({ accounts: v.pipe(v.array(AccountJsonSchema), v.maxLength(40)) }));
    if (!p.ok) return p;
    const want = acct.toLowerCase();
    const hit = p.value.accounts.find((a) => a.acct.toLowerCase() === want);
    return hit ? { ok: true, value: hit } : { ok: false, kind: 'not_found', message: 'no such account' };
  }

  /**
   * GET /api/v1/accounts/search: accounts the instance knows, for mention completion and the inbox's
   * recipient search; `resolve` (a full handle) makes the instance look it up remotely.
   */
  async searchAccounts(
    origin: string,
    query: string,
    token: string,
    resolve = false,
  ): Promise<ApiResult<readonly AccountJson[]>> {
    const q = new URLSearchParams({ q: query, resolve: String(resolve), limit: '5' });
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/search?${q.toString()}`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    return shaped(r, v.pipe(v.array(AccountJsonSchema), v.maxLength(40)));
  }

  async verifyCredentials(origin: string, token: string): Promise<ApiResult<CredentialJson>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/verify_credentials`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    return shaped(r, CredentialSchema);
  }

  /** PATCH update_credentials with the COMPLETE field list (Mastodon replaces the whole list). */
  async updateFields(origin: string, token: string, fields: readonly RawField[]): Promise<ApiResult<CredentialJson>> {
    const body = { fields_attributes: fields.map((f) => ({ name: f.name, value: f.value })) };
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/update_credentials`, {
      method: 'PATCH',
      token,
      body,
      timeoutMs: this.timeoutMs,
    });
    return shaped(r, CredentialSchema);
  }

  /**
   * GET /api/v2/instance (no token): the account domain, max_characters and the streaming base URL
   * (checked by streamingBaseOf: the inbox sends its token there).
   */
  async instance(origin: string): Promise<ApiResult<{ domain: string; maxChars: number; streaming: string | null }>> {
    const p = shaped(
      await requestJson(this.fetchFn, `${origin}/api/v2/instance`, { timeoutMs: this.timeoutMs }),
      InstanceSchema,
    );
    if (!p.ok) return p;
    const c = p.value.configuration;
    const streaming = c?.urls?.streaming ?? null;
    return {
      ok: true,
      value: {
        domain: p.value.domain.toLowerCase(),
        maxChars: c?.statuses?.max_characters ?? 500,
        streaming: streamingBaseOf(origin, streaming),
      },
    };
  }

  /** The instance's account domain (LOCAL_DOMAIN), to write full handles user@domain. */
  async domain(origin: string): Promise<ApiResult<string>> {
    const p = await this.instance(origin);
    return p.ok ? { ok: true, value: p.value.domain } : p;
  }

  /** POST /api/v1/apps: the inbox's own OAuth client on this instance. */
  async registerApp(
    origin: string,
    redirectUri: string,
    scopes: readonly string[],
  ): Promise<ApiResult<{ clientId: string; clientSecret: string }>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/apps`, {
      method: 'POST',
      timeoutMs: this.timeoutMs,
      body: {
        client_name: 'Hush',
        redirect_uris: redirectUri,
        scopes: scopes.join(' '),
        website: 'https://hush-e2ee.org',
      },
    });
    const p = shaped(r, AppSchema);
    return p.ok ? { ok: true, value: { clientId: p.value.client_id, clientSecret: p.value.client_secret } } : p;
  }

  /** POST /oauth/token: the authorization code (with its PKCE verifier) for a token. */
  async exchange(
    origin: string,
    p: {
      clientId: string;
      clientSecret: string;
      redirectUri: string;
      code: string;
      verifier: string;
      scopes: readonly string[];
    },
  ): Promise<ApiResult<{ token: string; scopes: string[] }>> {
    const r = await requestJson(this.fetchFn, `${origin}/oauth/token`, {
      method: 'POST',
      timeoutMs: this.timeoutMs,
      body: {
        grant_type: 'authorization_code',
        code: p.code,
        redirect_uri: p.redirectUri,
        client_id: p.clientId,
        client_secret: p.clientSecret,
        code_verifier: p.verifier,
        scope: p.scopes.join(' '),
      },
    });
    const t = shaped(r, TokenSchema);
    return t.ok
      ? { ok: true, value: { token: t.value.access_token, scopes: t.value.scope.split(/\s+/).filter(Boolean) } }
      : t;
  }

  /** POST /oauth/revoke; true when the instance accepted it. */
  async revoke(origin: string, p: { clientId: string; clientSecret: string; token: string }): Promise<boolean> {
    const r = await requestJson(this.fetchFn, `${origin}/oauth/revoke`, {
      method: 'POST',
      timeoutMs: this.timeoutMs,
      body: { client_id: p.clientId, client_secret: p.clientSecret, token: p.token },
    });
    return r.ok;
  }

  /** GET /api/v1/conversations, one page from `cursor` (a max_id), and the next page's cursor. */
  async conversations(
    origin: string,
    token: string,
    cursor: string | null,
    limit = 40,
  ): Promise<ApiResult<{ items: ConversationJson[]; next: string | null }>> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('max_id', cursor);
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/conversations?${q.toString()}`, {
      token,
      timeoutMs: this.timeoutMs,
      maxBytes: LIST_BYTES,
    });
    const p = shaped(r, v.pipe(v.array(ConversationSchema), v.maxLength(80)));
    if (!p.ok) return p;
    return { ok: true, value: { items: p.value, next: r.ok && p.value.length > 0 ? nextCursor(r.link) : null } };
  }

  async status(origin: string, token: string, id: string): Promise<ApiResult<InboxStatus>> {
    return shaped(
      await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}`, {
        token,
        timeoutMs: this.timeoutMs,
      }),
      InboxStatusSchema,
    );
  }

  /** GET /api/v1/statuses/:id/context: the whole thread around a status. */
  async context(
    origin: string,
    token: string,
    id: string,
  ): Promise<ApiResult<{ ancestors: InboxStatus[]; descendants: InboxStatus[] }>> {
    return shaped(
      await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}/context`, {
        token,
        timeoutMs: this.timeoutMs,
        maxBytes: THREAD_BYTES,
      }),
      ContextSchema,
    );
  }

  async markRead(origin: string, token: string, conversationId: string): Promise<ApiResult<unknown>> {
    return shaped(
      await requestJson(this.fetchFn, `${origin}/api/v1/conversations/${encodeURIComponent(conversationId)}/read`, {
        method: 'POST',
        token,
        timeoutMs: this.timeoutMs,
      }),
      v.unknown(),
    );
  }
}
