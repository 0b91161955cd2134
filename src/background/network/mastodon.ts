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

export class MastodonApi {
  constructor(private readonly fetchFn: Fetch, private readonly timeoutMs = 8_000) {}

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
