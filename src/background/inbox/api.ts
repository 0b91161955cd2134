/**
 * The Mastodon calls the inbox makes itself: app registration, the token exchange and revocation,
 * the conversation list (Link-paginated), a thread's statuses, mark read, account search. Every
 * answer is outside data: bounded in time and size (network/http.ts) and shape-checked here.
 */
import * as v from 'valibot';
import { requestJson, type Fetch, type HttpFailure } from '../network/http';
import { StatusJsonSchema, type StatusJson } from '../publishing/status-api';

const Str = (max: number) => v.pipe(v.string(), v.maxLength(max));

const AppSchema = v.object({ client_id: Str(200), client_secret: Str(200) });
const TokenSchema = v.object({ access_token: v.pipe(v.string(), v.regex(/^[\w.~+/=-]{8,512}$/)), scope: v.optional(Str(1000), '') });
const CredentialSchema = v.object({ id: Str(64), acct: Str(600), username: Str(300), url: v.optional(Str(2048)) });
const InboxStatusSchema = v.object({
  ...StatusJsonSchema.entries,
  created_at: v.optional(Str(64), ''),
  account: v.object({ id: Str(64), acct: Str(600), uri: v.optional(Str(2048)), url: v.optional(Str(2048)) }),
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
const InstanceSchema = v.object({
  configuration: v.optional(v.object({
    urls: v.optional(v.object({ streaming: v.nullish(Str(300)) })),
    statuses: v.optional(v.object({ max_characters: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(100_000))) })),
  })),
});
const SearchSchema = v.pipe(v.array(v.object({ id: Str(64), acct: Str(600) })), v.maxLength(80));

export type ApiFailure = HttpFailure | { readonly ok: false; readonly kind: 'bad_shape'; readonly message: string };
export type ApiResult<T> = { readonly ok: true; readonly value: T } | ApiFailure;

function shaped<T>(r: Awaited<ReturnType<typeof requestJson>>, schema: v.GenericSchema<unknown, T>): ApiResult<T> {
  if (!r.ok) return r;
  const p = v.safeParse(schema, r.json);
  return p.success ? { ok: true, value: p.output } : { ok: false, kind: 'bad_shape', message: 'unexpected response shape' };
}

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

/** The context of a long conversation is larger than an account's JSON. */
const THREAD_BYTES = 4 * 1024 * 1024;
const LIST_BYTES = 2 * 1024 * 1024;

export class InboxApi {
  constructor(private readonly fetchFn: Fetch, private readonly timeoutMs = 15_000) {}

  async registerApp(origin: string, redirectUri: string, scopes: readonly string[]): Promise<ApiResult<{ clientId: string; clientSecret: string }>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/apps`, {
      method: 'POST', timeoutMs: this.timeoutMs,
      body: { client_name: 'Hush', redirect_uris: redirectUri, scopes: scopes.join(' '), website: 'https://hush-e2ee.org' },
    });
    const p = shaped(r, AppSchema);
    return p.ok ? { ok: true, value: { clientId: p.value.client_id, clientSecret: p.value.client_secret } } : p;
  }

  async exchange(origin: string, p: { clientId: string; clientSecret: string; redirectUri: string; code: string; verifier: string; scopes: readonly string[] }): Promise<ApiResult<{ token: string; scopes: string[] }>> {
    const r = await requestJson(this.fetchFn, `${origin}/oauth/token`, {
      method: 'POST', timeoutMs: this.timeoutMs,
      body: { grant_type: 'authorization_code', code: p.code, redirect_uri: p.redirectUri, client_id: p.clientId, client_secret: p.clientSecret, code_verifier: p.verifier, scope: p.scopes.join(' ') },
    });
    const t = shaped(r, TokenSchema);
    return t.ok ? { ok: true, value: { token: t.value.access_token, scopes: t.value.scope.split(/\s+/).filter(Boolean) } } : t;
  }

  async revoke(origin: string, p: { clientId: string; clientSecret: string; token: string }): Promise<boolean> {
    const r = await requestJson(this.fetchFn, `${origin}/oauth/revoke`, {
      method: 'POST', timeoutMs: this.timeoutMs, body: { client_id: p.clientId, client_secret: p.clientSecret, token: p.token },
    });
    return r.ok;
  }

  /** max_characters and the streaming base URL (GET /api/v2/instance, no token). */
  async instance(origin: string): Promise<ApiResult<{ maxChars: number; streaming: string | null }>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v2/instance`, { timeoutMs: this.timeoutMs });
    const p = shaped(r, InstanceSchema);
    if (!p.ok) return p;
    const c = p.value.configuration;
    const streaming = c?.urls?.streaming ?? null;
    return { ok: true, value: { maxChars: c?.statuses?.max_characters ?? 500, streaming: streaming !== null && /^wss?:\/\/[^/\s]+$/.test(streaming) ? streaming : null } };
  }

  async me(origin: string, token: string): Promise<ApiResult<{ id: string; acct: string; username: string }>> {
    return shaped(await requestJson(this.fetchFn, `${origin}/api/v1/accounts/verify_credentials`, { token, timeoutMs: this.timeoutMs }), CredentialSchema);
  }

  async conversations(origin: string, token: string, cursor: string | null, limit = 40): Promise<ApiResult<{ items: ConversationJson[]; next: string | null }>> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor !== null) q.set('max_id', cursor);
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/conversations?${q.toString()}`, { token, timeoutMs: this.timeoutMs, maxBytes: LIST_BYTES });
    const p = shaped(r, v.pipe(v.array(ConversationSchema), v.maxLength(80)));
    if (!p.ok) return p;
    return { ok: true, value: { items: p.value, next: r.ok && p.value.length > 0 ? nextCursor(r.link) : null } };
  }

  async status(origin: string, token: string, id: string): Promise<ApiResult<InboxStatus>> {
    return shaped(await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}`, { token, timeoutMs: this.timeoutMs }), InboxStatusSchema);
  }

  async context(origin: string, token: string, id: string): Promise<ApiResult<{ ancestors: InboxStatus[]; descendants: InboxStatus[] }>> {
    return shaped(await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}/context`, { token, timeoutMs: this.timeoutMs, maxBytes: THREAD_BYTES }), ContextSchema);
  }

  async markRead(origin: string, token: string, conversationId: string): Promise<ApiResult<unknown>> {
    return shaped(await requestJson(this.fetchFn, `${origin}/api/v1/conversations/${encodeURIComponent(conversationId)}/read`, { method: 'POST', token, timeoutMs: this.timeoutMs }), v.unknown());
  }

  /** The instance's own account search; `resolve` for a full handle (looks it up remotely). */
  async search(origin: string, token: string, query: string, resolve: boolean): Promise<ApiResult<{ id: string; acct: string }[]>> {
    const q = new URLSearchParams({ q: query, resolve: String(resolve), limit: '5' });
    return shaped(await requestJson(this.fetchFn, `${origin}/api/v1/accounts/search?${q.toString()}`, { token, timeoutMs: this.timeoutMs }), SearchSchema);
  }
}

export type { StatusJson };
