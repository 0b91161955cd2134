/**
 * The Mastodon status calls Hush makes itself (issue #15: the background publishes, the page
 * does not): create, read back, delete, and the home instance's account id of a recipient for
 * `allowed_mentions`. Responses are outside data: shape-checked, bounded (network/http.ts).
 */
import * as v from 'valibot';
import { requestJson, type Fetch } from '../network/http';
import { shaped, StatusJsonSchema, Str, type ApiResult, type StatusJson } from '../network/mastodon';

export { errorText, type ApiFailure, type ApiResult, type StatusJson } from '../network/mastodon';

const ConversationSchema = v.object({ id: Str(64), last_status: v.nullish(StatusJsonSchema) });
const SourceSchema = v.object({ id: Str(64), text: Str(200_000), spoiler_text: v.optional(Str(20_000), '') });
const LookupSchema = v.object({ id: Str(64), acct: Str(600), uri: Str(2048) });

export interface NewStatus {
  readonly status: string;
  readonly inReplyToId: string | null;
  /** Home-instance account ids the post may mention (Mastodon answers 422 for any other). */
  readonly allowedMentions: readonly string[] | null;
  /** Same key, same status: a retry after a lost answer never posts twice (kept 1 h by Mastodon). */
  readonly idempotencyKey: string;
}

export class StatusApi {
  constructor(
    private readonly fetchFn: Fetch,
    private readonly timeoutMs = 15_000,
  ) {}

  async post(origin: string, token: string, s: NewStatus): Promise<ApiResult<StatusJson>> {
    const body: Record<string, unknown> = {
      status: s.status,
      visibility: 'direct',
      in_reply_to_id: s.inReplyToId,
      spoiler_text: '',
      sensitive: false,
      media_ids: [],
      poll: null,
    };
    if (s.allowedMentions !== null) body.allowed_mentions = s.allowedMentions;
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/statuses`, {
      method: 'POST',
      token,
      body,
      timeoutMs: this.timeoutMs,
      headers: { 'idempotency-key': s.idempotencyKey },
    });
    return shaped(r, StatusJsonSchema);
  }

  async get(origin: string, token: string, id: string): Promise<ApiResult<StatusJson>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    return shaped(r, StatusJsonSchema);
  }

  /** The stored source text (exact, mentions normalised by the server), for the read-back check. */
  async source(origin: string, token: string, id: string): Promise<ApiResult<{ text: string; spoilerText: string }>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}/source`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    const p = shaped(r, SourceSchema);
    return p.ok ? { ok: true, value: { text: p.value.text, spoilerText: p.value.spoiler_text } } : p;
  }

  async delete(origin: string, token: string, id: string): Promise<boolean> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/statuses/${encodeURIComponent(id)}`, {
      method: 'DELETE',
      token,
      timeoutMs: this.timeoutMs,
    });
    return r.ok;
  }

  /** The first page of the user's conversations (the DM column), for the status each entry shows. */
  async conversations(
    origin: string,
    token: string,
  ): Promise<ApiResult<readonly { id: string; last: StatusJson | null }[]>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/conversations?limit=40`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    const p = shaped(r, v.pipe(v.array(ConversationSchema), v.maxLength(80)));
    return p.ok ? { ok: true, value: p.value.map((c) => ({ id: c.id, last: c.last_status ?? null })) } : p;
  }

  /** The home instance's id and actor URI for a handle (for allowed_mentions). */
  async accountId(
    origin: string,
    token: string,
    acct: string,
  ): Promise<ApiResult<{ id: string; acct: string; uri: string }>> {
    const r = await requestJson(this.fetchFn, `${origin}/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`, {
      token,
      timeoutMs: this.timeoutMs,
    });
    return shaped(r, LookupSchema);
  }
}
