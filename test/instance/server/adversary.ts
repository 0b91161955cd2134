// Test-only admin API on a separate port (adminOrigin), never on the public one. It lets tests play
// a malicious or faulty server: tamper with cached and local profiles, forge and replay statuses,
// hold/drop/reorder federation deliveries, inject a script into pages, edit silently.
import { createServer, type Server } from 'node:http';
import type { Ctx } from './context.ts';
import { accountByAcct, parseAcct, type Field } from './accounts.ts';
import { postStatus, readStatusParams, renderContent } from './compose.ts';
import { fanOut } from './delivery.ts';
import { serializeStatus, statusById, VISIBILITIES } from './statuses.ts';
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
  if (remote === (parsed.domain === null || parsed.domain === ctx.domain)) return bad(remote ? 'not a remote account' : 'not a local account');
  const a = accountByAcct(ctx, parsed.username, parsed.domain);
  if (!a) return { status: 404, json: { error: 'unknown account (resolve it first)' } };
  ctx.db.run('UPDATE accounts SET fields = ? WHERE id = ?', [JSON.stringify(setField(a.fields, name, value)), a.id]);
  return ok();
}

async function forge(ctx: Ctx, b: Body): Promise<Reply> {
  const username = s(b, 'username');
  const author = username === undefined ? undefined : accountByAcct(ctx, username, null);
  if (!author) return bad('need a local username');
  const params = readStatusParams({ status: b.text, visibility: b.visibility ?? 'direct', spoiler_text: b.spoilerText, in_reply_to_id: b.inReplyToId }, { visibility: 'direct' });
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
      [id, id, new Date().toISOString(), original.id]);
    ctx.db.run('INSERT INTO mentions (status_id, account_id) SELECT ?, account_id FROM mentions WHERE status_id = ?', [id, original.id]);
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

async function handle(ctx: Ctx, path: string, b: Body, method: string): Promise<Reply> {
  const o = ctx.outbox;
  switch (`${method} ${path}`) {
    case 'GET /admin/state':
      return ok({ domain: ctx.domain, maxCharacters: ctx.settings.maxCharacters, uiVersion: ctx.settings.uiVersion,
        deliveryMode: o.mode, held: o.heldDeliveries(), log: o.log, hostileScript: ctx.settings.hostileScript, streams: ctx.hub.count() });
    case 'POST /admin/remote-field': return fieldEdit(ctx, b, true);
    case 'POST /admin/local-field': return fieldEdit(ctx, b, false);
    case 'POST /admin/forge-status': return forge(ctx, b);
    case 'POST /admin/replay-status': return replay(ctx, b);
    case 'POST /admin/edit-status': return silentEdit(ctx, b);
    case 'GET /admin/deliveries': return ok(o.heldDeliveries());
    case 'POST /admin/deliveries/mode': {
      const mode = s(b, 'mode');
      if (mode !== 'pass' && mode !== 'hold' && mode !== 'drop') return bad('mode must be pass, hold or drop');
      o.mode = mode;
      return ok();
    }
    case 'POST /admin/deliveries/release': return ok({ count: o.release(ids(b)) });
    case 'POST /admin/deliveries/drop': return ok({ count: o.drop(ids(b)) });
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
      const body = raw === undefined ? undefined : parseParams(req.headers['content-type'] ?? 'application/json', raw, new URLSearchParams());
      return body ? handle(ctx, url.pathname, body, req.method ?? 'GET') : bad('bad body');
    })().then((r) => send(res, r), (e: unknown) => send(res, { status: 500, json: { error: e instanceof Error ? e.message : 'error' } }));
  });
}
