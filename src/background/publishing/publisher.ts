/**
 * Publishing (issue #15, invariant 2): the background posts every status of a message itself,
 * through the REST API with the user's token, and checks what the server stored before it says
 * "sent". The page's compose form plays no part: nothing the page does (rewriting the textarea or
 * the request, answering 200 without posting, unmounting the form) changes what is posted or
 * makes a failure look like success.
 *
 * Each status: `visibility: direct`, `in_reply_to_id` (the answered status, then the previous
 * part: a long message is a thread), `allowed_mentions` = the recipients' ids on the home
 * instance (each id's actor URI checked against the pinned one; Mastodon refuses any other
 * mention with 422), an `Idempotency-Key` per message and part (a retry never posts twice).
 * Then read back: visibility, reply, mentions, no CW/media/poll, and the exact stored text. A
 * mismatch deletes the status and stops: nothing more is posted. Progress is persisted by the
 * caller after each part, so a worker restart resumes where it stopped.
 */
import { fullHandle, mentionsIn as handleMentions } from '../../messaging/handle';
import { STATUS_PREFIX } from '../../protocol/index';
import type { SendProblem } from '../../messaging/overlay-messages';
import { errorText, type StatusApi, type StatusJson } from './status-api';

export interface PublishJob {
  readonly origin: string;
  /** The signed-in account (the token the page handed over must post as this account). */
  readonly accountId: string;
  /** The user's home domain (Mastodon shows local accounts without it). */
  readonly home: string;
  readonly messageId: string;
  readonly statuses: readonly string[];
  readonly recipients: readonly { readonly acct: string; readonly actorUri: string }[];
  /** The status this message answers (null: a new conversation). */
  readonly inReplyToId: string | null;
  /** Ids of the parts posted and checked so far, in order. */
  readonly postedIds: readonly string[];
}

export type PublishOutcome =
  | { readonly ok: true; readonly ids: readonly string[] }
  | { readonly ok: false; readonly job: PublishJob; readonly problem: SendProblem };

/** The comparable form of a handle; a string no handle can equal when it is none (fails closed). */
const full = (acct: string, home: string): string => fullHandle(acct, home)?.toLowerCase() ?? `!${acct}`;
/** The ciphertext part of a status text (from the prefix on): mentions are normalised by the server. */
const body = (text: string): string => {
  const at = text.indexOf(STATUS_PREFIX);
  return at < 0 ? text : text.slice(at).trim();
};

/** The handles mentioned before the ciphertext (what Mastodon addresses a direct status to). */
export function mentionsIn(text: string): string[] {
  const at = text.indexOf(STATUS_PREFIX);
  const head = at < 0 ? text : text.slice(0, at);
  return handleMentions(head);
}

const sameHandles = (a: readonly string[], b: readonly string[], home: string): boolean => {
  const x = new Set(a.map((h) => full(h, home)));
  const y = new Set(b.map((h) => full(h, home)));
  return x.size === y.size && [...x].every((h) => y.has(h));
};

/** What the server stored differs from what was sent: the first difference, named. */
export function mismatch(
  s: StatusJson,
  sent: { text: string | null; inReplyToId: string | null; recipients: readonly string[] },
  home: string,
): string | null {
  if (s.visibility !== 'direct') return `visibility ${s.visibility}`;
  if ((s.in_reply_to_id ?? null) !== sent.inReplyToId) return 'reply target';
  const want = new Set(sent.recipients.map((r) => full(r, home)));
  const got = new Set(s.mentions.map((m) => full(m.acct, home)));
  if (want.size !== got.size || [...want].some((w) => !got.has(w))) return 'mentions';
  if (s.spoiler_text !== '') return 'content warning';
  if (s.media_attachments.length > 0) return 'media';
  if (s.poll != null) return 'poll';
  if (sent.text !== null && body(sent.text) === '') return 'text';
  return null;
}

export async function publish(
  api: StatusApi,
  token: string,
  job: PublishJob,
  saveProgress: (job: PublishJob) => Promise<void>,
): Promise<PublishOutcome> {
  const problem = (p: SendProblem, j: PublishJob = job): PublishOutcome => ({ ok: false, job: j, problem: p });
  // allowed_mentions: each recipient's id on the home instance, checked to be the pinned actor.
  const ids: string[] = [];
  let allowed: string[] | null = ids;
  for (const r of job.recipients) {
    const local = r.acct.toLowerCase().endsWith(`@${job.home.toLowerCase()}`)
      ? r.acct.slice(0, r.acct.lastIndexOf('@'))
      : r.acct;
    const found = await api.accountId(job.origin, token, local);
    if (!found.ok) {
      // Not fatal: the read-back below still checks every mention.
      allowed = null;
      continue;
    }
    if (found.value.uri !== r.actorUri)
      return problem({ kind: 'altered', what: `your instance names another account @${r.acct}`, deleted: false });
    ids.push(found.value.id);
  }
  let current = job;
  for (let i = current.postedIds.length; i < current.statuses.length; i++) {
    const text = current.statuses[i] ?? '';
    const inReplyToId = i === 0 ? current.inReplyToId : (current.postedIds[i - 1] ?? null);
    const posted = await api.post(current.origin, token, {
      status: text,
      inReplyToId,
      allowedMentions: allowed,
      idempotencyKey: `hush-${current.messageId}-${i}`,
    });
    if (!posted.ok) {
      if (posted.kind === 'status')
        return problem(
          {
            kind: 'refused',
            status: posted.status,
            message: errorText(posted),
            ...(posted.retryAt !== undefined ? { retryAt: posted.retryAt } : {}),
          },
          current,
        );
      return problem({ kind: 'network', message: errorText(posted) }, current);
    }
    const s = posted.value;
    if (s.account.id !== current.accountId) {
      // Another account's token: the post is not the user's (and recipients would see a mismatch).
      const deleted = await api.delete(current.origin, token, s.id);
      return problem({ kind: 'altered', what: 'author', deleted }, current);
    }
    const recipients = current.recipients.map((r) => r.acct);
    let wrong = mismatch(s, { text, inReplyToId, recipients }, current.home);
    if (wrong === null) {
      // The answer to the post may describe what was asked rather than what was stored: read it back.
      const fresh = await api.get(current.origin, token, s.id);
      if (!fresh.ok) {
        if (fresh.kind === 'status' && fresh.status === 404)
          return problem({ kind: 'altered', what: 'not stored', deleted: false }, current);
        return problem({ kind: 'network', message: errorText(fresh) }, current);
      }
      wrong =
        fresh.value.id === s.id ? mismatch(fresh.value, { text, inReplyToId, recipients }, current.home) : 'status id';
    }
    if (wrong === null) {
      // The stored source is what recipients get: it must carry exactly this ciphertext. A post the
      // server answered but does not have (a fake success) has no source: nothing was sent.
      const src = await api.source(current.origin, token, s.id);
      if (!src.ok) {
        if (src.kind === 'status' && src.status === 404)
          return problem({ kind: 'altered', what: 'not stored', deleted: false }, current);
        // Unchecked is not confirmed: a retry posts with the same key (the same status) and checks again.
        return problem({ kind: 'network', message: errorText(src) }, current);
      }
      if (body(src.value.text) !== body(text)) wrong = 'text';
      else if (!sameHandles(mentionsIn(src.value.text), recipients, current.home)) wrong = 'mentions';
      else if (src.value.spoilerText !== '') wrong = 'content warning';
    }
    if (wrong !== null) {
      const deleted = await api.delete(current.origin, token, s.id);
      return problem({ kind: 'altered', what: wrong, deleted }, current);
    }
    current = { ...current, postedIds: [...current.postedIds, s.id] };
    await saveProgress(current);
  }
  return { ok: true, ids: current.postedIds };
}
