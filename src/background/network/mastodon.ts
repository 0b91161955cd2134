/**
 * The few Mastodon REST calls the key store makes (reference §6): account lookup and resolving
 * search on the home instance, lookup on the account's own instance, and the user's own profile
 * fields. Responses are outside data: they are shape-checked here and typed failures come back.
 */
import * as v from 'valibot';
import { requestJson, type Fetch, type HttpFailure } from './http';

const Str = (max: number) => v.pipe(v.string(), v.maxLength(max));

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
export interface RawField { readonly name: string; readonly value: string }

export type ApiResult<T> = { readonly ok: true; readonly value: T } | HttpFailure | { readonly ok: false; readonly kind: 'bad_shape' | 'not_found'; readonly message: string };

function shaped<T>(r: Awaited<ReturnType<typeof requestJson>>, schema: v.GenericSchema<unknown, T>): ApiResult<T> {
  if (!r.ok) return r.kind === 'status' && r.status === 404 ? { ok: false, kind: 'not_found', message: 'no such account' } : r;
  const p = v.safeParse(schema, r.json);
  return p.success ? { ok: true, value: p.output } : { ok: false, kind: 'bad_shape', message: 'unexpected response shape' };
}

const JrdSchema = v.object({
  subject: v.optional(Str(600)),
  links: v.optional(v.pipe(v.array(v.object({ rel: Str(300), type: v.optional(Str(300)), href: v.optional(Str(2048)) })), v.maxLength(64)), []),
});

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

  constructor(private readonly fetchFn: Fetch, opts: number | MastodonApiOptions = {}) {
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
    const r = await requestJson(this.fetchFn, url, { timeoutMs: this.timeoutMs, accept: 'application/jrd+json, application/json', followRedirects: true, maxBytes: 64 * 1024 });
    const p = shaped(r, JrdSchema);
    if (!p.ok) return p;
    if (p.value.subject !== undefined && p.value.subject.replace(/^acct:/i, '').toLowerCase() !== acct.toLowerCase()) {
      return { ok: false, kind: 'bad_shape', message: `WebFinger answered for ${p.value.subject}, not ${acct}` };
    }
    const selfLinks = p.value.links.filter((l) => l.rel === 'self' && l.href !== undefined && (l.type === undefined || AP_TYPES.includes(l.type)));
    const hrefs = [...new Set(selfLinks.map((l) => l.href as string))];
    if (hrefs.length !== 1) return { ok: false, kind: 'bad_shape', message: hrefs.length === 0 ? 'WebFinger names no actor' : 'WebFinger names several actors' };
    return { ok: true, value: hrefs[0] as string };
  }

  /** Where WebFinger for `domain` is asked (named in failures). */
  async webfingerHost(domain: string): Promise<string> {
    return this.webfingerOrigin(domain.toLowerCase());
  }

  /** GET /api/v1/accounts/lookup?acct= : accounts the instance already knows (no token needed). */
  async lookup(origin: string, acct: string): Promise<ApiResult<AccountJson>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`, { timeoutMs: this.timeoutMs });
    return shaped(r, AccountJsonSchema);
  }

  /** GET /api/v2/search?resolve=true : makes the home instance fetch (or refresh) a remote account. */
  async resolve(origin: string, acct: string, token: string): Promise<ApiResult<AccountJson>> {
    const q = encodeURIComponent(`@${acct}`);
    const r = await requestJson(this.fetchFn, `${origin}/api/v2/search?q=${q}&resolve=true&type=accounts&limit=5`, { token, timeoutMs: this.timeoutMs });
    const p = shaped(r, v.object({ accounts: v.pipe(v.array(AccountJsonSchema), v.maxLength(40)) }));
    if (!p.ok) return p;
    const want = acct.toLowerCase();
    const hit = p.value.accounts.find((a) => a.acct.toLowerCase() === want);
    return hit ? { ok: true, value: hit } : { ok: false, kind: 'not_found', message: 'no such account' };
  }

  /** GET /api/v1/accounts/search (no resolve): accounts the instance knows, for mention completion. */
  async searchAccounts(origin: string, query: string, token: string): Promise<ApiResult<readonly AccountJson[]>> {
    const q = encodeURIComponent(query);
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/search?q=${q}&resolve=false&limit=5`, { token, timeoutMs: this.timeoutMs });
    return shaped(r, v.pipe(v.array(AccountJsonSchema), v.maxLength(40)));
  }

  async verifyCredentials(origin: string, token: string): Promise<ApiResult<CredentialJson>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/verify_credentials`, { token, timeoutMs: this.timeoutMs });
    return shaped(r, CredentialSchema);
  }

  /** PATCH update_credentials with the COMPLETE field list (Mastodon replaces the whole list). */
  async updateFields(origin: string, token: string, fields: readonly RawField[]): Promise<ApiResult<CredentialJson>> {
    const body = { fields_attributes: fields.map((f) => ({ name: f.name, value: f.value })) };
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/update_credentials`, { method: 'PATCH', token, body, timeoutMs: this.timeoutMs });
    return shaped(r, CredentialSchema);
  }

  /** The instance's account domain (LOCAL_DOMAIN), to write full handles user@domain. */
  async domain(origin: string): Promise<ApiResult<string>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v2/instance`, { timeoutMs: this.timeoutMs });
    const p = shaped(r, v.object({ domain: v.pipe(v.string(), v.minLength(1), v.maxLength(253)) }));
    return p.ok ? { ok: true, value: p.value.domain.toLowerCase() } : p;
  }
}
