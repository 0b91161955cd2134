/**
 * Sending one drafted message, shared by the overlay's secure editor (overlay/compose.ts) and the
 * inbox (inbox/service.ts): precheck (account, recipients, size), encrypt to exactly the shown
 * recipients, publish every part through the REST API with read-back (publisher.ts), and only
 * then remember the message as the user's own. The caller persists the job after each step, so
 * the draft is kept until the server's copy is confirmed and a worker restart resumes the send.
 */
import type { ComposeStatus, RecipientView, SendProblem, SendProgress } from '../../messaging/overlay-messages';
import { TIME_GAP_SECONDS, type Reader } from '../overlay/reading';
import type { StoredMessage } from '../overlay/message-store';
import { draftBudget, invitationText } from '../overlay/draft';
import type { AccountRef, KeyServices, RecipientProblem, RecipientReady } from '../services';
import type { StatusApi } from './status-api';
import { publish, type PublishJob } from './publisher';

/** The encrypted message being published (kept until every part is confirmed). */
export type SendJob = PublishJob & {
  readonly plaintext: string;
  readonly sender: StoredMessage['sender'];
  readonly fingerprints: readonly string[];
  readonly createdAt: number;
  readonly replyTo: string | null;
};

export interface SendDraft {
  readonly account: AccountRef;
  /** The user's full handle (its domain is the home instance). */
  readonly self: string;
  readonly text: string;
  readonly recipients: readonly string[];
  /** The answered status and, for a Hush message, its message id. */
  readonly reply: { readonly statusId: string; readonly messageId: string | null } | null;
  readonly maxChars: number;
  readonly job: SendJob | null;
}

export interface SendDeps {
  readonly services: KeyServices;
  readonly reader: Reader;
  readonly statusApi: StatusApi;
  readonly token: (account: AccountRef) => Promise<string | null>;
  readonly now: () => Promise<number>;
}

export interface SendHooks {
  /** The compose status of the draft as shown (recipient states, budget). */
  readonly status: () => Promise<ComposeStatus>;
  /** Persist the job and progress (null job: the encryption is spent or the message is confirmed). */
  readonly keep: (job: SendJob | null, progress: SendProgress) => Promise<void>;
  /** Persist progress after each confirmed part. */
  readonly progress: (job: SendJob) => Promise<void>;
}

export type SendResult = { readonly progress: SendProgress; readonly sent: boolean };

/** Half the reader's TIME_GAP_SECONDS: a retried message is never near the flag. */
export const REENCRYPT_AFTER_SECONDS = TIME_GAP_SECONDS / 2;

const lower = (a: string): string => a.toLowerCase();
const domain = (acct: string): string => acct.slice(acct.lastIndexOf('@') + 1);

export async function sendDraft(deps: SendDeps, d: SendDraft, hooks: SendHooks): Promise<SendResult> {
  const failed = (p: SendProblem, done = 0, total = 0): SendProgress => ({ phase: 'failed', done, total, problem: p });
  const stop = (progress: SendProgress): SendResult => ({ progress, sent: false });
  let job = d.job;
  // A message none of whose parts went out is encrypted again when retried late: its signed time
  // would otherwise sit far from the date the instance gives the post, and the recipient would
  // see a genuine message flagged (server review F-retry-gap). Once a part is out, the rest must
  // belong to the same message, so a late remainder keeps its time (the first part's view shows it).
  if (job !== null && job.postedIds.length === 0 && (await deps.now()) - job.createdAt > REENCRYPT_AFTER_SECONDS)
    job = null;
  if (job === null) {
    const st = await hooks.status();
    if (st.account !== 'ready') return stop(failed({ kind: 'account', account: st.account }));
    if (st.empty) return stop(failed({ kind: 'empty' }));
    if (st.recipients.length === 0) return stop(failed({ kind: 'no_recipients' }));
    if (st.recipients.some((r) => r.state !== 'ready')) {
      const noKey = st.recipients.filter((r) => r.state === 'no_key').map((r) => r.acct);
      return stop(
        failed({
          kind: 'recipients',
          recipients: st.recipients,
          invitation: noKey.length > 0 ? invitationText(noKey) : null,
        }),
      );
    }
    if (st.parts === 0) return stop(failed({ kind: 'too_long' }));
    const out = await deps.services.encrypt(d.account, {
      recipients: d.recipients,
      plaintext: d.text.trim(),
      replyTo: d.reply?.messageId ?? null,
      maxChars: d.maxChars,
    });
    if (!out.ok) {
      if (out.account !== null) return stop(failed({ kind: 'account', account: out.account }));
      if (out.recipients.length > 0) {
        return stop(
          failed({
            kind: 'recipients',
            recipients: out.recipients.map((r) => recipientView(r.acct, 'typed', r)),
            invitation: null,
          }),
        );
      }
      return stop(failed({ kind: 'internal', message: out.message }));
    }
    // Fail closed if the resolved recipients are not exactly the ones shown.
    const shown = new Set(d.recipients.map(lower));
    if (out.recipients.length !== shown.size || out.recipients.some((r) => !shown.has(lower(r.acct))))
      return stop(failed({ kind: 'internal', message: 'recipients changed while encrypting' }));
    job = {
      origin: d.account.origin,
      accountId: d.account.accountId,
      home: domain(d.self),
      messageId: out.messageId,
      statuses: out.statuses,
      recipients: out.recipients.map((r) => ({ acct: r.acct, actorUri: r.actorUri })),
      inReplyToId: d.reply?.statusId ?? null,
      postedIds: [],
      plaintext: d.text.trim(),
      sender: out.sender,
      fingerprints: out.recipients.map((r) => r.fingerprint),
      createdAt: out.createdAt,
      replyTo: d.reply?.messageId ?? null,
    };
    await hooks.keep(job, { phase: 'sending', done: 0, total: job.statuses.length });
  }
  const token = await deps.token(d.account);
  if (token === null) {
    const p = failed({ kind: 'no_token' }, job.postedIds.length, job.statuses.length);
    await hooks.keep(job, p);
    return stop(p);
  }
  const fixed = job;
  const result = await publish(deps.statusApi, token, job, (progress) =>
    hooks.progress({ ...fixed, postedIds: progress.postedIds }),
  );
  if (!result.ok) {
    const progress = failed(result.problem, result.job.postedIds.length, fixed.statuses.length);
    // Altered by the server: this encryption is spent (its key would 404 for an hour); drop it.
    await hooks.keep(
      result.problem.kind === 'altered' ? null : { ...fixed, postedIds: result.job.postedIds },
      progress,
    );
    return stop(progress);
  }
  // Confirmed: remember our own message (so replies to it thread), then the caller drops the draft.
  await deps.reader
    .rememberPosted(
      d.account,
      {
        plaintext: fixed.plaintext,
        sender: fixed.sender,
        recipients: fixed.recipients.map((r, i) => ({
          actorUri: r.actorUri,
          fingerprint: fixed.fingerprints[i] ?? '',
        })),
        messageId: fixed.messageId,
        replyTo: fixed.replyTo,
        createdAt: fixed.createdAt,
        statusIds: result.ids,
      },
      fixed.statuses,
    )
    .catch(() => undefined);
  return {
    progress: {
      phase: 'sent',
      total: fixed.statuses.length,
      recipients: fixed.recipients.map((r) => r.acct),
      at: await deps.now(),
    },
    sent: true,
  };
}

/** A recipient's state as the composer shows it. */
export function recipientView(
  acct: string,
  source: RecipientView['source'],
  r: RecipientReady | RecipientProblem | undefined,
): RecipientView {
  if (r === undefined) return { acct, state: 'not_found', trust: null, wasVerified: false, warning: null, source };
  if (r.kind === 'ready')
    return { acct: r.acct, state: 'ready', trust: r.trust, wasVerified: r.wasVerified, warning: r.warning, source };
  return { acct: r.acct, state: r.kind, trust: null, wasVerified: false, warning: null, source };
}

/** The draft's status: account readiness, each recipient's state, and the budget (no suggestions). */
export async function draftStatus(
  services: KeyServices,
  account: AccountRef,
  recipients: readonly { readonly acct: string; readonly source: RecipientView['source'] }[],
  text: string,
  maxChars: number,
  hasReplyTo: boolean,
): Promise<ComposeStatus> {
  const accts = recipients.map((r) => r.acct);
  const check = await services.checkRecipients(account, accts);
  const byAcct = new Map(check.recipients.map((r) => [lower(r.acct), r] as const));
  const budget = draftBudget(accts, text.trim(), maxChars, hasReplyTo);
  return {
    account: check.account,
    recipients: recipients.map((r) => recipientView(r.acct, r.source, byAcct.get(lower(r.acct)))),
    suggested: [],
    remaining: budget.remaining,
    parts: budget.parts,
    empty: text.trim().length === 0,
  };
}
