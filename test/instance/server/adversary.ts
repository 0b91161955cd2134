// Test-only admin API on a separate port (adminOrigin), never on the public one. It lets tests play
// a malicious or faulty server: tamper with cached and local profiles, claim another identity for an
// account, forge, replay, patch and swap statuses, fake or rewrite posts, hold/drop/reorder
// federation deliveries, slow down, break or flood API paths, inject a script into pages, and log
// every request the public server received.
import { createServer, type Server } from 'node:http';
import type { Ctx } from './context.ts';
import { accountByAcct, accountById, acctOf, parseAcct, type Account, type Field } from './accounts.ts';
import type { AccountPatch, NetworkBehaviour, NetworkRule } from './adversary-state.ts';
import { resolveAccount } from './resolve.ts';
import { postStatus, readStatusParams, renderContent } from './compose.ts';
import { fanOut, fanOutUpdate } from './delivery.ts';
import { serializeStatus, statusById, VISIBILITIES, type Visibility } from './statuses.ts';
import { escapeHtml } from './text.ts';
import { parseParams, readBody, type Reply } from './http.ts';
import { send } from './instance.ts';

type Body = Record<string, unknown>;
const bad = (error: string): Reply => ({ status: 400, json: { error } });
const ok = (value: unknown = { ok: true }): Reply => ({ status: 200, json: value });

function s(b: Body, k: string): string | undefined {
  return typeof b[k] === 'string' ? b[k] : undefined;
}

function ids(b: Body): string[] | undefined {
  return Array.isArray(b.ids) ? b.ids.map(String) : undefined;
}

/** Sets (or appends) one field by name; the stored JSON is what the instance "believes". */
function setField(fields: Field[], name: string, value: string): Field[] {
  const i = fields.findIndex((f) => f.name === name);
  if (i < 0) return [...fields, { name, value, verified_at: null }];
  return fields.map((f, j) => (j === i ? { ...f, value } : f));
}

function fieldEdit(ctx: Ctx, b: Body, remote: boolean): Reply {
  const acct = s(b, remote ? 'acct' : 'username');
  const name = s(b, 'name');
  const value = s(b, 'value');
  const parsed = acct === undefined ? undefined : parseAcct(acct);
  if (!parsed || name === undefined || value === undefined) return bad('need acct/username, name, value');
  if (remote === (parsed.domain === null || parsed.domain === ctx.domain))
    return bad(remote ? 'not a remote account' : 'not a local account');
  const a = accountByAcct(ctx, parsed.username, parsed.domain);
  if (!a) return { status: 404, json: { error: 'unknown account (resolve it first)' } };
  ctx.db.run('UPDATE accounts SET fields = ? WHERE id = ?', [JSON.stringify(setField(a.fields, name, value)), a.id]);
  return ok();
}

async function forge(ctx: Ctx, b: Body): Promise<Reply> {
  const username = s(b, 'username');
  const author = username === undefined ? undefined : accountByAcct(ctx, username, null);
  if (!author) return bad('need a local username');
  const params = readStatusParams(
    {
      status: b.text,
      visibility: b.visibility ?? 'direct',
      spoiler_text: b.spoilerText,
      in_reply_to_id: b.inReplyToId,
    },
    { visibility: 'direct' },
  );
  if (!params.ok) return { status: params.status, json: params.body };
  // No length check, no idempotency: the server itself is lying about its user.
  const r = await postStatus(ctx, author, params.value, null, { bypassValidation: true });
  return r.ok ? ok(serializeStatus(ctx, r.value, author)) : { status: r.status, json: r.body };
}

function replay(ctx: Ctx, b: Body): Reply {
  const original = statusById(ctx, s(b, 'statusId') ?? '');
  const to = accountByAcct(ctx, s(b, 'to') ?? '', null);
  if (!original || !to) return bad('need an existing statusId and a local `to` username');
  const id = ctx.ids.next();
  ctx.db.tx(() => {
    ctx.db.run(
      `INSERT INTO statuses (id, account_id, uri, url, text, content, spoiler_text, sensitive, visibility, language,
        in_reply_to_id, in_reply_to_account_id, conversation_id, local, created_at) SELECT ?, account_id, uri || '#replay-' || ?, url, text, content,
        spoiler_text, sensitive, visibility, language, in_reply_to_id, in_reply_to_account_id, conversation_id, local, ? FROM statuses WHERE id = ?`,
      [id, id, new Date().toISOString(), original.id],
    );
    ctx.db.run('INSERT INTO mentions (status_id, account_id) SELECT ?, account_id FROM mentions WHERE status_id = ?', [
      id,
      original.id,
    ]);
    ctx.db.run('INSERT INTO tags (status_id, name) SELECT ?, name FROM tags WHERE status_id = ?', [id, original.id]);
  });
  const copy = statusById(ctx, id);
  if (!copy) return bad('replay failed');
  fanOut(ctx, copy, { onlyTo: to.id });
  return ok(serializeStatus(ctx, copy, to));
}

function silentEdit(ctx: Ctx, b: Body): Reply {
  const st = statusById(ctx, s(b, 'statusId') ?? '');
  const text = s(b, 'text');
  if (!st || text === undefined) return bad('need statusId and text');
  // Local: re-render like a real edit; remote: store the text as the received HTML would be.
  // `html`: serve exactly this content HTML (a lying server is not bound by Mastodon's sanitizer).
  const html = s(b, 'html');
  const content = html ?? (st.local ? renderContent(ctx, text, new Map()) : `<p>${escapeHtml(text)}</p>`);
  ctx.db.run('UPDATE statuses SET text = ?, content = ? WHERE id = ?', [st.local ? text : content, content, st.id]);
  return ok();
}

/** An account as this instance knows it: `alice` (local) or `bob@b.test` (fetched if not cached yet). */
async function knownAccount(ctx: Ctx, acct: string | undefined): Promise<Account | undefined> {
  const parsed = acct === undefined ? undefined : parseAcct(acct);
  if (!parsed) return undefined;
  const r = await resolveAccount(ctx, parsed.username, parsed.domain, false);
  return r.ok ? r.account : undefined;
}

function readPatch(v: unknown): AccountPatch | null | undefined {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Body;
  const out: AccountPatch = {};
  for (const k of ['uri', 'url', 'acct', 'username'] as const) {
    if (o[k] === undefined) continue;
    const val = o[k];
    if (typeof val !== 'string') return undefined;
    out[k] = val;
  }
  if (o.fields !== undefined) {
    if (!Array.isArray(o.fields)) return undefined;
    const fields: NonNullable<AccountPatch['fields']> = [];
    for (const f of o.fields as unknown[]) {
      if (typeof f !== 'object' || f === null) return undefined;
      const { name, value, verified_at: verifiedAt } = f as Body;
      if (
        typeof name !== 'string' ||
        typeof value !== 'string' ||
        (verifiedAt !== undefined && verifiedAt !== null && typeof verifiedAt !== 'string')
      )
        return undefined;
      fields.push({ name, value, verified_at: verifiedAt ?? null });
    }
    out.fields = fields;
  }
  return out;
}

async function rewriteAccount(ctx: Ctx, b: Body): Promise<Reply> {
  const a = await knownAccount(ctx, s(b, 'acct'));
  if (!a) return { status: 404, json: { error: 'unknown account' } };
  const patch = readPatch(b.patch);
  if (patch === undefined)
    return bad('patch must be null or {uri?, url?, acct?, username?, fields?: [{name, value, verified_at?}]}');
  if (patch === null) ctx.adversary.accountRewrites.delete(a.id);
  else ctx.adversary.accountRewrites.set(a.id, patch);
  return ok({ id: a.id });
}

/**
 * What a malicious server's UPDATE of its statuses row does: by default no edited_at, no event, no
 * federation; `asEdit: true` makes it look like an edit to local viewers (edited_at + status.update).
 */
function patchStatus(ctx: Ctx, b: Body): Reply {
  const st = statusById(ctx, s(b, 'statusId') ?? '');
  if (!st) return { status: 404, json: { error: 'unknown statusId' } };
  const sets: string[] = [];
  const vals: (string | number | null)[] = [];
  const set = (col: string, v: string | number | null): void => {
    sets.push(`${col} = ?`);
    vals.push(v);
  };
  if (b.createdAt !== undefined) {
    const t = typeof b.createdAt === 'string' ? Date.parse(b.createdAt) : NaN;
    if (Number.isNaN(t)) return bad('createdAt must be a date string');
    set('created_at', new Date(t).toISOString());
  }
  if (b.inReplyToId !== undefined) {
    if (b.inReplyToId !== null && typeof b.inReplyToId !== 'string')
      return bad('inReplyToId must be a status id or null');
    const parent = b.inReplyToId === null ? undefined : statusById(ctx, b.inReplyToId);
    set('in_reply_to_id', b.inReplyToId);
    set('in_reply_to_account_id', parent?.accountId ?? null);
  }
  if (b.spoilerText !== undefined) {
    if (typeof b.spoilerText !== 'string') return bad('spoilerText must be a string');
    set('spoiler_text', b.spoilerText);
  }
  if (b.mediaAttachments !== undefined) {
    const n = b.mediaAttachments;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 20)
      return bad('mediaAttachments must be an integer 0-20');
    set('media_count', n);
  }
  if (b.card !== undefined) {
    if (typeof b.card !== 'boolean') return bad('card must be a boolean');
    set('card', b.card ? 1 : 0);
  }
  if (b.poll !== undefined) {
    if (typeof b.poll !== 'boolean') return bad('poll must be a boolean');
    set('poll', b.poll ? 1 : 0);
  }
  if (b.quoteId !== undefined) {
    if (b.quoteId !== null && typeof b.quoteId !== 'string') return bad('quoteId must be a status id or null');
    set('quote_id', b.quoteId);
  }
  if (b.text !== undefined) {
    // Plain text: the source (GET /source) and, unless `content` is given too, the HTML rendered
    // from it as for a local status.
    if (typeof b.text !== 'string') return bad('text must be a string');
    set('text', st.local ? b.text : `<p>${escapeHtml(b.text)}</p>`);
    if (b.content === undefined)
      set('content', st.local ? renderContent(ctx, b.text, new Map()) : `<p>${escapeHtml(b.text)}</p>`);
  }
  if (b.content !== undefined) {
    if (typeof b.content !== 'string') return bad('content must be a string (HTML, served as is)');
    set('content', b.content);
  }
  if (b.asEdit !== undefined && typeof b.asEdit !== 'boolean') return bad('asEdit must be a boolean');
  // asEdit: what a real edit shows (edited_at, `status.update` to every home feed holding it), but
  // nothing is federated and nothing checked: this server is lying to its own users.
  if (b.asEdit === true) set('edited_at', new Date().toISOString());
  if (sets.length > 0) ctx.db.run(`UPDATE statuses SET ${sets.join(', ')} WHERE id = ?`, [...vals, st.id]);
  const patched = statusById(ctx, st.id);
  if (b.asEdit === true && patched) fanOutUpdate(ctx, patched);
  return ok(patched ? serializeStatus(ctx, patched, undefined) : { ok: true });
}

/** Silently gives `statusId` the text (source and HTML) of `fromStatusId`, e.g. a withheld message. */
function swapStatusText(ctx: Ctx, b: Body): Reply {
  const target = statusById(ctx, s(b, 'statusId') ?? '');
  const from = statusById(ctx, s(b, 'fromStatusId') ?? '');
  if (!target || !from) return { status: 404, json: { error: 'need existing statusId and fromStatusId' } };
  ctx.db.run('UPDATE statuses SET text = ?, content = ? WHERE id = ?', [from.text, from.content, target.id]);
  return ok();
}

async function postBehaviour(ctx: Ctx, b: Body): Promise<Reply> {
  const mode = s(b, 'mode');
  if (mode === 'normal' || mode === 'fake-success') {
    ctx.adversary.post = { mode };
    return ok();
  }
  if (mode !== 'rewrite') return bad('mode must be normal, fake-success or rewrite');
  const visibility = s(b, 'visibility');
  if (visibility !== undefined && !(VISIBILITIES as readonly string[]).includes(visibility))
    return bad(`visibility must be one of ${VISIBILITIES.join(', ')}`);
  if (b.dropMentions !== undefined && typeof b.dropMentions !== 'boolean') return bad('dropMentions must be a boolean');
  const answer = s(b, 'answer') ?? 'stored';
  if (answer !== 'stored' && answer !== 'requested') return bad("answer must be 'stored' or 'requested'");
  let mentionAccountId: string | undefined;
  if (b.addMention !== undefined) {
    const target = await knownAccount(ctx, s(b, 'addMention'));
    if (!target) return bad('addMention: an account this instance knows or can resolve');
    mentionAccountId = target.id;
  }
  if (visibility === undefined && mentionAccountId === undefined && b.dropMentions !== true)
    return bad('rewrite needs visibility, addMention and/or dropMentions: true');
  ctx.adversary.post = {
    mode,
    answer,
    ...(visibility === undefined ? {} : { visibility: visibility as Visibility }),
    ...(mentionAccountId === undefined ? {} : { mentionAccountId }),
    ...(b.dropMentions === true ? { dropMentions: true } : {}),
  };
  return ok();
}

function readBehaviour(v: unknown): NetworkBehaviour | undefined {
  if (v === 'normal' || v === 'down' || v === 'hang' || v === 'reset') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Body;
  if (typeof o.delayMs === 'number' && o.delayMs >= 0 && o.delayMs <= 600_000) return { delayMs: o.delayMs };
  if (
    o.rateLimited === true &&
    typeof o.resetInSeconds === 'number' &&
    o.resetInSeconds >= 0 &&
    o.resetInSeconds <= 86_400
  )
    return { rateLimited: true, resetInSeconds: o.resetInSeconds };
  if (typeof o.hugeBytes === 'number' && Number.isInteger(o.hugeBytes) && o.hugeBytes >= 0 && o.hugeBytes <= 2 ** 31) {
    if (o.contentLength !== undefined && typeof o.contentLength !== 'boolean') return undefined;
    return { hugeBytes: o.hugeBytes, contentLength: o.contentLength !== false };
  }
  if (typeof o.truncateAt === 'number' && Number.isInteger(o.truncateAt) && o.truncateAt >= 0)
    return { truncateAt: o.truncateAt };
  if (typeof o.respond === 'object' && o.respond !== null) {
    const r = o.respond as Body;
    const headers = r.headers ?? {};
    if (
      typeof r.status !== 'number' ||
      !Number.isInteger(r.status) ||
      r.status < 200 ||
      r.status > 599 ||
      !('body' in r)
    )
      return undefined;
    if (typeof headers !== 'object' || headers === null || Object.values(headers).some((h) => typeof h !== 'string'))
      return undefined;
    return { respond: { status: r.status, body: r.body, headers: headers as Record<string, string> } };
  }
  return undefined;
}

function networkBehaviour(ctx: Ctx, b: Body): Reply {
  const pathPrefix = s(b, 'pathPrefix');
  const behaviour = readBehaviour(b.behaviour);
  if (pathPrefix === undefined || !pathPrefix.startsWith('/')) return bad('pathPrefix must start with /');
  if (behaviour === undefined)
    return bad(
      "behaviour: 'normal' | 'down' | 'hang' | 'reset' | {delayMs} | {rateLimited: true, resetInSeconds} | {hugeBytes, contentLength?} | {truncateAt} | {respond: {status, body, headers?}}",
    );
  const rules = ctx.adversary.network.filter((r) => r.pathPrefix !== pathPrefix);
  if (behaviour !== 'normal') rules.push({ pathPrefix, behaviour, since: Date.now() } satisfies NetworkRule);
  ctx.adversary.network = rules;
  return ok();
}

function adversaryState(ctx: Ctx): Record<string, unknown> {
  const post = ctx.adversary.post;
  const mention =
    post.mode === 'rewrite' && post.mentionAccountId !== undefined
      ? accountById(ctx, post.mentionAccountId)
      : undefined;
  return {
    accountRewrites: [...ctx.adversary.accountRewrites].map(([id, patch]) => {
      const a = accountById(ctx, id);
      return { acct: a ? acctOf(a) : id, patch };
    }),
    postBehaviour:
      post.mode === 'rewrite'
        ? {
            mode: post.mode,
            answer: post.answer,
            visibility: post.visibility ?? null,
            addMention: mention ? acctOf(mention) : null,
            dropMentions: post.dropMentions === true,
          }
        : { mode: post.mode },
    network: ctx.adversary.network.map(({ pathPrefix, behaviour }) => ({ pathPrefix, behaviour })),
  };
}

async function handle(ctx: Ctx, path: string, b: Body, method: string): Promise<Reply> {
  const o = ctx.outbox;
  switch (`${method} ${path}`) {
    case 'GET /admin/state':
      return ok({
        domain: ctx.domain,
        maxCharacters: ctx.settings.maxCharacters,
        uiVersion: ctx.settings.uiVersion,
        deliveryMode: o.mode,
        held: o.heldDeliveries(),
        log: o.log,
        hostileScript: ctx.settings.hostileScript,
        streams: ctx.hub.count(),
        ...adversaryState(ctx),
      });
    case 'POST /admin/remote-field':
      return fieldEdit(ctx, b, true);
    case 'POST /admin/local-field':
      return fieldEdit(ctx, b, false);
    case 'POST /admin/forge-status':
      return forge(ctx, b);
    case 'POST /admin/replay-status':
      return replay(ctx, b);
    case 'POST /admin/edit-status':
      return silentEdit(ctx, b);
    case 'POST /admin/swap-status-text':
      return swapStatusText(ctx, b);
    case 'POST /admin/patch-status':
      return patchStatus(ctx, b);
    case 'POST /admin/rewrite-account':
      return rewriteAccount(ctx, b);
    case 'POST /admin/post-behaviour':
      return postBehaviour(ctx, b);
    case 'POST /admin/network':
      return networkBehaviour(ctx, b);
    case 'GET /admin/requests':
      return ok(ctx.adversary.requestLog);
    case 'POST /admin/requests/clear':
      ctx.adversary.requestLog.length = 0;
      return ok();
    case 'GET /admin/deliveries':
      return ok(o.heldDeliveries());
    case 'POST /admin/deliveries/mode': {
      const mode = s(b, 'mode');
      if (mode !== 'pass' && mode !== 'hold' && mode !== 'drop') return bad('mode must be pass, hold or drop');
      o.mode = mode;
      return ok();
    }
    case 'POST /admin/deliveries/release':
      return ok({ count: o.release(ids(b)) });
    case 'POST /admin/deliveries/drop':
      return ok({ count: o.drop(ids(b)) });
    case 'POST /admin/deliveries/reorder': {
      const list = ids(b);
      if (!list) return bad('need ids');
      o.reorder(list);
      return ok(o.heldDeliveries());
    }
    case 'POST /admin/deliveries/idle':
      await o.idle();
      return ok();
    case 'POST /admin/hostile-script': {
      const code = b.code;
      const position = s(b, 'position') ?? 'before';
      if (code === null) ctx.settings.hostileScript = null;
      else if (typeof code === 'string' && (position === 'before' || position === 'after' || position === 'both')) {
        ctx.settings.hostileScript = { code, position };
      } else return bad('need code (string or null) and position before|after|both');
      return ok();
    }
    case 'POST /admin/max-characters': {
      const n = Number(b.value);
      if (!Number.isInteger(n) || n < 1) return bad('value must be a positive integer');
      ctx.settings.maxCharacters = n;
      return ok();
    }
    case 'POST /admin/advanced-layout': {
      const a = accountByAcct(ctx, s(b, 'username') ?? '', null);
      if (!a || typeof b.enabled !== 'boolean') return bad('need a local username and enabled: boolean');
      ctx.db.run(
        'INSERT INTO user_settings (account_id, advanced_layout) VALUES (?, ?) ON CONFLICT(account_id) DO UPDATE SET advanced_layout = excluded.advanced_layout',
        [a.id, b.enabled ? 1 : 0],
      );
      return ok();
    }
    case 'POST /admin/appearance': {
      const a = accountByAcct(ctx, s(b, 'username') ?? '', null);
      const scheme = s(b, 'colorScheme') ?? 'auto';
      const contrast = s(b, 'contrast') ?? 'auto';
      if (!a || !['auto', 'light', 'dark'].includes(scheme) || !['auto', 'high'].includes(contrast))
        return bad('need a local username, colorScheme auto|light|dark, contrast auto|high');
      ctx.db.run(
        'INSERT INTO user_settings (account_id, color_scheme, contrast) VALUES (?, ?, ?) ON CONFLICT(account_id) DO UPDATE SET color_scheme = excluded.color_scheme, contrast = excluded.contrast',
        [a.id, scheme, contrast],
      );
      return ok();
    }
    case 'POST /admin/ui-version': {
      const v = s(b, 'version');
      if (v === undefined || !/^\d+\.\d+/.test(v)) return bad('version like 4.8.0');
      ctx.settings.uiVersion = v;
      return ok();
    }
    case 'POST /admin/reset':
      o.drop();
      o.mode = 'pass';
      ctx.settings.hostileScript = null;
      ctx.settings.maxCharacters = ctx.settings.defaultMaxCharacters;
      ctx.adversary.accountRewrites.clear();
      ctx.adversary.post = { mode: 'normal' };
      ctx.adversary.network = [];
      return ok();
    default:
      return { status: 404, json: { error: `no admin action ${method} ${path}`, visibilities: VISIBILITIES } };
  }
}

export function createAdminServer(ctx: Ctx): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://admin');
    void (async (): Promise<Reply> => {
      const raw = req.method === 'POST' ? await readBody(req) : '';
      const body =
        raw === undefined
          ? undefined
          : parseParams(req.headers['content-type'] ?? 'application/json', raw, new URLSearchParams());
      return body ? handle(ctx, url.pathname, body, req.method ?? 'GET') : bad('bad body');
    })().then(
      (r) => send(res, r),
      (e: unknown) => send(res, { status: 500, json: { error: e instanceof Error ? e.message : 'error' } }),
    );
  });
}
