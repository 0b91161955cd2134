/**
 * Secure editor, background side (issue #15, invariants 1-3). An editor session holds the draft,
 * the recipients and the reply; the content script can only ask for an editor (with Mastodon's
 * box as a SEED) and hear that it is done. Recipients come from:
 * - the signed envelope of the message answered (its sender and co-recipients, minus the user),
 *   through a Reply click the user made;
 * - handles the user added inside the editor.
 * Handles Mastodon's box mentions are only SUGGESTIONS the editor shows; they become recipients
 * when the user adds them there. Sending is a request from the editor frame bound to the session
 * (a click or Ctrl/Cmd+Enter inside it), and the background publishes (publishing/publisher.ts).
 */
import {
  textHidden,
  type ComposeStatus,
  type EditorState,
  type SendProgress,
  type FrameStyle,
} from '../../messaging/overlay-messages';
import { fail } from '../../messaging/result';
import { domainOf, fullHandle } from '../../messaging/handle';
import type { HandlersFor } from '../router';
import type { SenderContext } from '../senders';
import type { AccountRef } from '../services';
import { FORBIDDEN } from '../sessions';
import { draftStatus, sendDraft, type SendJob } from '../publishing/send';
import type { OverlayContext } from './context';
import { invitationText } from './draft';
import { rankCompletions } from './completion';

export interface ReplyInfo {
  readonly statusId: string;
  /** Hex message id of the Hush message answered; null for a reply to a plain status. */
  readonly messageId: string | null;
  readonly sender: string | null;
  readonly snippet: string | null;
  readonly createdAt: number | null;
}

/** An editor session's state (its tab and bound frame are the session record's: sessions.ts). */
export interface EditorSession {
  readonly account: AccountRef;
  readonly self: string;
  readonly text: string;
  readonly reply: ReplyInfo | null;
  readonly recipients: readonly { readonly acct: string; readonly source: 'reply' | 'typed' }[];
  readonly suggested: readonly string[];
  readonly maxChars: number;
  readonly style: FrameStyle;
  /** Mastodon's box when the editor opened (offered in the editor, never part of the draft by itself). */
  readonly seed: string;
  /** The encrypted message being published (kept until every part is confirmed). */
  readonly job: SendJob | null;
  readonly progress: SendProgress | null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEditor = (v: unknown): v is EditorSession =>
  isObj(v) &&
  isObj(v.account) &&
  typeof v.self === 'string' &&
  typeof v.text === 'string' &&
  Array.isArray(v.recipients) &&
  Array.isArray(v.suggested) &&
  typeof v.maxChars === 'number' &&
  isObj(v.style) &&
  typeof v.seed === 'string';

const SNIPPET = 120;
const lower = (a: string): string => a.toLowerCase();

export type ComposeHandlers = HandlersFor<
  | 'overlay/compose-check'
  | 'overlay/editor-open'
  | 'overlay/editor-detach'
  | 'overlay/editor-join'
  | 'overlay/editor-draft'
  | 'overlay/editor-send'
  | 'overlay/editor-discard'
  | 'overlay/editor-invite'
  | 'overlay/mention-search'
>;

/**
 * Untouched editor sessions (no text typed, no send) one tab keeps. A direct-mode form opens an
 * editor with no gesture, so the page can draw forms at will; each session holds the form's text
 * as a seed in storage.session, which every tab and the vault key share. A session the user wrote
 * in or sent from is never dropped this way: only the user makes those.
 */
export const MAX_IDLE_EDITORS_PER_TAB = 8;

export function createComposeHandlers(ctx: OverlayContext): ComposeHandlers {
  const editors = ctx.sessions.of('editor', isEditor);
  /** Closes the tab's oldest untouched editors (no text, no send, no recipient the user chose) beyond MAX_IDLE_EDITORS_PER_TAB (`keep` is the one just opened). */
  const trimIdle = async (tabId: number, keep: string): Promise<void> => {
    const idle = (await editors.all()).filter(
      ([id, e]) =>
        e.tabId === tabId &&
        id !== keep &&
        e.state.text === '' &&
        e.state.job === null &&
        e.state.recipients.every((r) => r.source === 'reply'),
    );
    for (const [id] of idle.slice(0, Math.max(0, idle.length - (MAX_IDLE_EDITORS_PER_TAB - 1))))
      await editors.close(id);
  };
  /** Sessions with a send under way in this worker: a second Send (double click) waits its turn. */
  const sending = new Set<string>();

  /** The session's state when the sender is the editor frame bound to it (messaging/sessions.ts). */
  const editorFor = async (session: string, sender: SenderContext): Promise<EditorSession | null> =>
    (await editors.asJoiner(session, sender))?.state ?? null;
  const noSession = () => fail('no_session', 'no such editor session for this frame');
  /** The sender's tab, once editorFor has found the sender bound to a session of that tab. */
  const tabOf = (sender: SenderContext): number => sender.tabId ?? -1;

  /** The reply's recipients from the signed envelope (never from the page). */
  async function replyOf(
    account: AccountRef,
    self: string,
    statusId: string | null,
  ): Promise<{ reply: ReplyInfo | null; recipients: string[] }> {
    if (statusId === null) return { reply: null, recipients: [] };
    const m = await ctx.reader.messageOf(account, statusId);
    if (m === null || m === 'locked')
      return { reply: { statusId, messageId: null, sender: null, snippet: null, createdAt: null }, recipients: [] };
    const handles = await ctx.services.handlesOf(account, [m.sender.actorUri, ...m.recipients.map((r) => r.actorUri)]);
    // Signed with a revoked key: not authentic. Its text is not quoted (the view hides it until the
    // user chooses, textHidden) and its envelope names no recipients: the user picks them.
    const revoked = textHidden({ trust: (await ctx.services.senderTrust(account, m.sender, m.createdAt)).kind });
    const recipients = revoked
      ? []
      : [...new Set(handles.filter((h): h is string => h !== null).map(lower))].filter((h) => h !== lower(self));
    const chars = Array.from(m.plaintext);
    return {
      reply: {
        statusId,
        messageId: m.messageId,
        sender: handles[0] ?? null,
        snippet: revoked ? null : chars.slice(0, SNIPPET).join('') + (chars.length > SNIPPET ? '…' : ''),
        createdAt: m.createdAt,
      },
      recipients,
    };
  }

  async function status(e: EditorSession): Promise<ComposeStatus> {
    const st = await draftStatus(ctx.services, e.account, e.recipients, e.text, e.maxChars, e.reply?.messageId != null);
    const taken = new Set(e.recipients.map((r) => lower(r.acct)));
    return { ...st, suggested: e.suggested.filter((s) => !taken.has(lower(s))) };
  }

  async function editorState(e: EditorSession): Promise<EditorState> {
    return {
      text: e.text,
      style: e.style,
      phrase: await ctx.phrase(),
      seed: e.seed === '' ? null : e.seed,
      replyTo:
        e.reply === null || e.reply.messageId === null
          ? null
          : { sender: e.reply.sender, snippet: e.reply.snippet, createdAt: e.reply.createdAt },
      status: await status(e),
      sending: e.progress,
    };
  }

  async function send(session: string, tabId: number, e: EditorSession): Promise<SendProgress> {
    const latestOr = async (): Promise<EditorSession> => (await editors.get(session))?.state ?? e;
    const r = await sendDraft(
      ctx,
      {
        account: e.account,
        self: e.self,
        text: e.text,
        recipients: e.recipients.map((x) => x.acct),
        reply: e.reply === null ? null : { statusId: e.reply.statusId, messageId: e.reply.messageId },
        maxChars: e.maxChars,
        job: e.job,
      },
      {
        status: () => status(e),
        keep: async (job, progress) => {
          await keep(session, job, progress);
        },
        progress: async (job) => {
          await editors.put(session, {
            ...(await latestOr()),
            job,
            progress: { phase: 'sending', done: job.postedIds.length, total: job.statuses.length },
          });
        },
      },
    );
    if (!r.sent) return r.progress;
    await editors.put(session, { ...(await latestOr()), text: '', job: null, progress: r.progress });
    await ctx.push(tabId, { kind: 'editor-done', session, sent: true });
    return r.progress;
  }

  async function keep(session: string, job: EditorSession['job'], progress: SendProgress): Promise<SendProgress> {
    const latest = (await editors.get(session))?.state;
    if (latest !== undefined) await editors.put(session, { ...latest, job, progress });
    return progress;
  }

  return {
    'overlay/compose-check': async (p, sender) => {
      const account = await ctx.accountOf(sender);
      const self = await ctx.selfOf(sender);
      if (account === null || self === null || sender.tabId === null)
        return fail('forbidden_sender', 'no signed-in account in this tab');
      // Only public facts reach the page: is the answered status a Hush status (its text says so),
      // and the user's preference. Whether it decrypted, or whom Hush knows, stays here.
      const replyEncrypted = p.replyToStatusId !== null && ctx.reader.partOf(account, p.replyToStatusId) !== null;
      const check = await ctx.services.checkRecipients(account, []);
      return { account: check.account, replyEncrypted, encryptByDefault: await ctx.encryptByDefault() };
    },
    'overlay/editor-open': async (p, sender) => {
      const account = await ctx.accountOf(sender);
      const self = await ctx.selfOf(sender);
      if (account === null || self === null || sender.tabId === null)
        return fail('forbidden_sender', 'no signed-in account in this tab');
      const home = domainOf(self);
      const { reply, recipients } = await replyOf(account, self, p.replyToStatusId);
      const fromReply = new Set(recipients);
      // Mastodon's box: only suggestions (never recipients), and its text as a starting draft.
      const suggested = [
        ...new Set(
          p.seedMentions
            .map((m) => fullHandle(m, home))
            .filter((m): m is string => m !== null)
            .map(lower),
        ),
      ]
        .filter((m) => !fromReply.has(m) && m !== lower(self))
        .slice(0, 20);
      // The box's text is offered in the editor, never made the draft: the page wrote it.
      const seed = p.seedText
        .replace(/^\s*(?:@[A-Za-z0-9_.@-]+\s+)*/, '')
        .trim()
        .slice(0, 5000);
      const opened = await editors.create(sender, {
        account,
        self,
        text: '',
        seed,
        reply,
        recipients: recipients.map((acct) => ({ acct, source: 'reply' as const })),
        suggested,
        maxChars: p.maxChars,
        style: p.style,
        job: null,
        progress: null,
      });
      if (opened === FORBIDDEN) return fail('forbidden_sender', 'only a content script may open an editor');
      await trimIdle(sender.tabId, opened.session);
      return opened;
    },
    'overlay/editor-detach': async ({ session }, sender) => {
      // The form went away unsent: the session (and its draft) stays until the tab closes.
      if ((await editors.asCreator(session, sender)) === null) return noSession();
      return { detached: true as const };
    },
    'overlay/editor-join': async ({ offer }, sender) => {
      const joined = await editors.join(offer, sender);
      if (joined === FORBIDDEN) return fail('forbidden_sender', 'not a Hush editor frame');
      if (joined === null) return fail('no_session', 'no such offer for this frame');
      return { session: joined.session, state: await editorState(joined.state) };
    },
    'overlay/editor-draft': async ({ session, text, recipients }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      const home = domainOf(e.self);
      const before = new Map(e.recipients.map((r) => [lower(r.acct), r.source] as const));
      const next: EditorSession['recipients'][number][] = [];
      for (const raw of recipients) {
        const acct = fullHandle(raw, home);
        if (acct === null || lower(acct) === lower(e.self) || next.some((r) => lower(r.acct) === lower(acct))) continue;
        next.push({ acct: lower(acct), source: before.get(lower(acct)) ?? 'typed' });
      }
      // While parts of a message are out its text and recipients are fixed; before that, an edit
      // after a failed send starts over (the old encryption is dropped, never sent instead).
      const fixed = e.job !== null && e.job.postedIds.length > 0;
      const changed =
        text !== e.text ||
        next.length !== e.recipients.length ||
        next.some((r, i) => lower(r.acct) !== lower(e.recipients[i]?.acct ?? ''));
      const updated: EditorSession =
        fixed || sending.has(session) ? e : !changed ? e : { ...e, text, recipients: next, job: null, progress: null };
      await editors.put(session, updated);
      return status(updated);
    },
    'overlay/editor-send': async ({ session, visible }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      if (!visible) return { phase: 'failed' as const, done: 0, total: 0, problem: { kind: 'covered' as const } };
      if (e.progress?.phase === 'sent' && e.job === null && e.text === '') return e.progress;
      if (sending.has(session)) return e.progress ?? { phase: 'sending' as const, done: 0, total: 0 };
      sending.add(session);
      try {
        const held = await editors.get(session);
        if (held === null) return noSession();
        return await send(session, held.tabId, held.state);
      } finally {
        sending.delete(session);
      }
    },
    'overlay/editor-discard': async ({ session }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      if (e.job !== null && e.job.postedIds.length > 0) {
        // Part of the message is out: discarding would leave it incomplete. Finish it first.
        return fail('bad_request', 'a message is being published');
      }
      await editors.close(session);
      await ctx.push(tabOf(sender), { kind: 'editor-done', session, sent: false });
      return { discarded: true as const };
    },
    'overlay/editor-invite': async ({ session }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      const check = await ctx.services.checkRecipients(
        e.account,
        e.recipients.map((r) => r.acct),
      );
      const noKey = check.recipients.filter((r) => r.kind === 'no_key').map((r) => r.acct);
      if (noKey.length === 0) return { placed: false };
      await editors.close(session);
      await ctx.push(tabOf(sender), { kind: 'editor-invite', session, text: invitationText(noKey) });
      return { placed: true };
    },
    'overlay/mention-search': async ({ session, query }, sender) => {
      const e = await editorFor(session, sender);
      if (e === null) return noSession();
      const q = lower(query.replace(/^@/, ''));
      const contacts = await ctx.services.contactList(e.account);
      // Pinned contacts first (the instance's search can never outrank them), look-alikes marked.
      const found = q.replace(/@.*$/, '').length >= 2 ? await ctx.services.searchAccounts(e.account, q) : [];
      const out = rankCompletions(contacts, q, found);
      return { accounts: out };
    },
  };
}
