/**
 * The Hush inbox (issue #18): a messenger for the user's encrypted Mastodon conversations, in the
 * browser's side panel / sidebar or a tab. Everything it shows comes from the background (which
 * holds the tokens and keys, decrypts, and publishes); this page renders text as text (never
 * HTML) and sends typed requests. Views: accounts/connect, conversation list, chat, new conversation.
 */
import { Component, type ComponentChildren } from 'preact';
import browser from 'webextension-polyfill';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  ConversationItem,
  HushPreview,
  InboxAccount,
  InboxDraft,
  InboxProblem,
  InboxState,
  ReplyCheck,
  SearchResult,
  ThreadMessage,
} from '../messaging/inbox-messages';
import type { ComposeStatus, SendProgress, TrustKind, ViewContent } from '../messaging/overlay-messages';
import type { SecurityPhrase } from '../messaging/settings-messages';
import { SecurityBadge } from '../popup/components/security-badge';
import { Field } from '../popup/components/common';
import { UnlockForm } from '../popup/components/unlock-form';
import { errorText, t } from '../popup/i18n';
import { formatTime } from '../frames/format';
import { flagText, recipientLabel, stateText, textHidden, TRUST_KEYS, WARN_TRUST } from '../frames/view-text';
import { call, connectLive } from './api';

/** storage.local key of the contacts (background/storage/schema.ts), watched as the view frame does. */
const CONTACTS_KEY = 'hush:contacts';
/** The contacts record without the times they were last checked: what a badge can depend on. */
const trustPart = (v: unknown): string =>
  JSON.stringify(v ?? null, (k, x: unknown) => (k === 'checkedAt' ? undefined : x));

type Ref = { readonly origin: string; readonly accountId: string };
type Screen = { kind: 'list' } | { kind: 'chat'; conv: ConversationItem } | { kind: 'new' };

const refOf = (a: InboxAccount): Ref => ({ origin: a.origin, accountId: a.accountId });
const keyOf = (a: Ref): string => `${a.origin}|${a.accountId}`;

function problemText(p: InboxProblem): string {
  switch (p.result) {
    case 'locked':
      return t('inboxProblemLocked');
    case 'not_enabled':
      return t('inboxProblemNotEnabled');
    case 'no_token':
      return t('inboxProblemNoToken');
    case 'revoked':
      return t('inboxProblemRevoked');
    case 'rate_limited':
      return p.retryAt != null
        ? t('inboxProblemRateLimitedUntil', formatTime(Math.ceil(p.retryAt / 1000)))
        : t('inboxProblemRateLimited');
    case 'network':
      return t('inboxProblemNetwork');
    case 'refused':
      return t('inboxProblemRefused', String(p.status ?? ''));
  }
}

function sendProblemText(p: SendProgress): string {
  if (p.phase !== 'failed') return '';
  const pr = p.problem;
  switch (pr.kind) {
    case 'account':
      return pr.account === 'locked' ? t('inboxProblemLocked') : t('inboxProblemNotEnabled');
    case 'recipients':
      return t('inboxSendRecipients');
    case 'empty':
      return t('inboxSendEmpty');
    case 'no_recipients':
      return t('inboxSendNoRecipients');
    case 'unconfirmed_recipients':
      return t('inboxSendUnconfirmed');
    case 'too_long':
      return t('inboxSendTooLong');
    case 'no_token':
      return t('inboxProblemNoToken');
    case 'refused':
      return pr.status === 429
        ? pr.retryAt !== undefined
          ? t('inboxProblemRateLimitedUntil', formatTime(Math.ceil(pr.retryAt / 1000)))
          : t('inboxProblemRateLimited')
        : pr.status === 401
          ? t('inboxProblemRevoked')
          : pr.status >= 500
            ? t('inboxProblemNetwork')
            : t('inboxProblemRefused', String(pr.status));
    case 'network':
      return t('inboxProblemNetwork');
    case 'altered':
      return t('inboxSendAltered', pr.what);
    default:
      return t('inboxSendFailed');
  }
}

/** The way back from a revoked or missing token: the OAuth flow again, for this account's instance. */
function Reconnect({ account, onDone }: { account: Ref; onDone: () => void }) {
  const [msg, setMsg] = useState<string | null>(null);
  const go = async () => {
    setMsg(null);
    const r = await call('inbox/connect', { instance: account.origin });
    if (!r.ok) return setMsg(errorText(r.error));
    if (r.value.result === 'connected') return onDone();
    setMsg(t(`inboxConnect_${r.value.result}`));
  };
  return (
    <>
      <button type="button" class="primary" onClick={() => void go()} data-testid="reconnect">
        {t('inboxReconnect')}
      </button>
      {msg !== null && <p class="error">{msg}</p>}
    </>
  );
}

function Problem({ p, onRetry, account }: { p: InboxProblem; onRetry: () => void; account?: Ref }) {
  return (
    <div class="notice stack" role="alert" data-testid="inbox-problem" data-problem={p.result}>
      <p>{problemText(p)}</p>
      <div class="row">
        {account !== undefined && (p.result === 'revoked' || p.result === 'no_token') && (
          <Reconnect account={account} onDone={onRetry} />
        )}
        <button type="button" onClick={onRetry}>
          {t('inboxRetry')}
        </button>
      </div>
    </div>
  );
}

function Empty({ title, children, testid }: { title: string; children?: ComponentChildren; testid: string }) {
  return (
    <section class="empty" data-testid={testid}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

function Connect({ suggested, onDone }: { suggested: string; onDone: () => void }) {
  const [instance, setInstance] = useState(suggested);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    const r = await call('inbox/connect', { instance });
    setBusy(false);
    if (!r.ok) return setMsg(errorText(r.error));
    if (r.value.result === 'connected') return onDone();
    setMsg(t(`inboxConnect_${r.value.result}`));
  };
  return (
    <form class="stack" onSubmit={(e) => void submit(e)} data-testid="inbox-connect">
      <Field
        id="inbox-instance"
        label={t('inboxConnectLabel')}
        type="text"
        value={instance}
        placeholder="mastodon.social"
        onValue={setInstance}
      />
      <p class="muted">{t('inboxConnectHelp')}</p>
      {msg !== null && (
        <p class="error" role="alert">
          {msg}
        </p>
      )}
      <button class="primary" type="submit" disabled={busy || instance.trim() === ''}>
        {t('inboxConnectAction')}
      </button>
    </form>
  );
}

function Participants({ list }: { list: ConversationItem['participants'] }) {
  return (
    <>
      {list.map((p, i) => (
        <span key={p.acct}>
          {i > 0 ? ', ' : ''}@{p.acct}
          <span class={`pstate pstate-${p.state}`}>({t(`inboxParticipant_${p.state}`)})</span>
        </span>
      ))}
    </>
  );
}

/** Which account the inbox showed last (an origin and an account id: nothing secret), to ask for its list at once. */
const LAST_ACCOUNT = 'hush-inbox:last-account';
type ListAnswer = Awaited<ReturnType<typeof call<'inbox/conversations'>>>;
let prefetched: {
  readonly key: string;
  readonly at: number;
  readonly answer: Promise<ListAnswer>;
  readonly known: Promise<ListAnswer>;
} | null = null;

function lastAccount(): Ref | null {
  try {
    const ref = JSON.parse(localStorage.getItem(LAST_ACCOUNT) ?? 'null') as unknown;
    if (typeof ref !== 'object' || ref === null) return null;
    const { origin, accountId } = ref as Record<string, unknown>;
    return typeof origin === 'string' && typeof accountId === 'string' ? { origin, accountId } : null;
  } catch {
    // No storage or a damaged entry: the list is asked for after the state, as without it.
    return null;
  }
}

/**
 * Asks for the last shown account's list beside `inbox/state`, instead of after it (one round trip
 * less), and for the list as it was last answered (sealed in the background), shown until then.
 */
function prefetchList(): void {
  const account = lastAccount();
  if (account === null) return;
  performance.mark('hush-inbox:list-asked');
  prefetched = {
    key: keyOf(account),
    at: Date.now(),
    known: call('inbox/conversations', { account, cursor: null, known: true }),
    answer: call('inbox/conversations', { account, cursor: null }),
  };
}

/** The prefetched first page (and the known one) for `account`, if fresh; used once. */
function takePrefetched(account: Ref): { answer: Promise<ListAnswer>; known: Promise<ListAnswer> } | null {
  const p = prefetched;
  prefetched = null;
  if (p === null || p.key !== keyOf(account) || Date.now() - p.at > 10_000) return null;
  return p;
}

function ConversationList({
  account,
  onOpen,
  onNew,
  version,
}: {
  account: Ref;
  onOpen: (c: ConversationItem) => void;
  onNew: () => void;
  version: number;
}) {
  const [items, setItems] = useState<ConversationItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [problem, setProblem] = useState<InboxProblem | null>(null);
  /** The list shown is the last known one (the instance has not answered yet). */
  const [stale, setStale] = useState(false);
  const [filter, setFilter] = useState('');
  const listRef = useRef<HTMLUListElement>(null);

  /** A first-page load in flight, and whether a live change asked for another one meanwhile. */
  const inFlight = useRef<{ again: boolean } | null>(null);

  const load = useCallback(
    async (cursor: string | null) => {
      if (cursor === null) performance.mark('hush-inbox:list-asked');
      const first = cursor === null ? takePrefetched(account) : null;
      let fresh = false;
      if (cursor === null) {
        // The last known list, shown until the instance answers (never over a newer answer).
        void (first?.known ?? call('inbox/conversations', { account, cursor: null, known: true })).then((k) => {
          if (fresh || !k.ok || k.value.result !== 'ok' || k.value.source !== 'known') return;
          const page = k.value;
          setItems((old) => (old === null ? [...page.items] : old));
          setNext((old) => old ?? page.next);
          setStale(true);
          performance.mark('hush-inbox:known');
        });
      }
      const r = await (first?.answer ?? call('inbox/conversations', { account, cursor }));
      fresh = true;
      if (!r.ok) return setProblem({ result: 'network', message: r.error.message });
      if (r.value.result !== 'ok') return setProblem(r.value);
      const page = r.value;
      setProblem(null);
      setStale(false);
      setItems((old) => (cursor === null ? [...page.items] : [...(old ?? []), ...page.items]));
      setNext(page.next);
      // The bench reads this: the first screen is on the page now.
      if (cursor === null) {
        performance.mark('hush-inbox:list');
        document.body.dataset.firstScreen = String(performance.now());
        document.body.dataset.apiMs = String(page.apiMs);
      }
    },
    [account.origin, account.accountId],
  );

  // A live change while the list is loading (the stream's "changed" on connecting comes right
  // after the page's own first request) loads again once that load is done, not beside it.
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    if (inFlight.current !== null) {
      inFlight.current.again = true;
      return;
    }
    const run = async (): Promise<void> => {
      const flight = { again: false };
      inFlight.current = flight;
      try {
        await latest.current(null);
      } finally {
        inFlight.current = null;
      }
      if (flight.again) await run();
    };
    void run();
  }, [load, version]);

  const shown = useMemo(() => {
    const q = filter.trim().replace(/^@/, '').toLowerCase();
    return (items ?? []).filter((c) => q === '' || c.participants.some((p) => p.acct.includes(q)));
  }, [items, filter]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button.conv-item') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const to = buttons[Math.max(0, Math.min(buttons.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (to) {
      e.preventDefault();
      to.focus();
    }
  };

  if (problem !== null && items === null)
    return <Problem p={problem} account={account} onRetry={() => void load(null)} />;
  if (items === null)
    return (
      <p class="muted" style="padding: 12px" aria-busy="true">
        {t('popupLoading')}
      </p>
    );
  return (
    <div data-testid="conversation-list">
      <div class="conv-tools">
        <label class="visually-hidden" for="conv-filter">
          {t('inboxSearchLabel')}
        </label>
        <input
          id="conv-filter"
          type="search"
          placeholder={t('inboxSearchLabel')}
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
        />
        <button type="button" class="primary" onClick={onNew} data-testid="new-conversation">
          {t('inboxNew')}
        </button>
      </div>
      {stale && problem === null && (
        <p class="muted known-list" role="status" data-testid="list-updating">
          {t('inboxUpdating')}
        </p>
      )}
      {problem !== null && <Problem p={problem} account={account} onRetry={() => void load(null)} />}
      {items.length === 0 ? (
        <Empty title={t('inboxEmptyTitle')} testid="inbox-empty">
          <p>{t('inboxEmptyText')}</p>
          <button type="button" onClick={onNew}>
            {t('inboxNew')}
          </button>
        </Empty>
      ) : (
        <ul class="conv-list" ref={listRef} onKeyDown={onKey} aria-label={t('inboxConversations')}>
          {shown.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                class={`conv-item${c.unread ? ' unread' : ''}`}
                onClick={() => onOpen(c)}
                data-testid="conversation"
                data-id={c.id}
              >
                <span class="who">
                  <Participants list={c.participants} />
                  {c.unread && <span class="visually-hidden">{t('inboxUnread')}</span>}
                </span>
                <span class="when">
                  {c.preview.kind === 'hush' && c.preview.createdAt !== null
                    ? t('viewSignedAt', formatTime(c.preview.createdAt))
                    : c.at > 0
                      ? formatTime(c.at)
                      : ''}
                </span>
                <span
                  class="preview"
                  data-preview={
                    c.preview.kind === 'plain'
                      ? 'plain'
                      : textHidden(c.preview.sender)
                        ? 'hidden'
                        : c.preview.text !== null
                          ? 'message'
                          : c.preview.state
                  }
                >
                  {c.preview.kind === 'plain'
                    ? `${t('inboxNotEncrypted')}: ${c.preview.text}`
                    : hushPreviewText(c.preview)}
                </span>
                {c.preview.kind === 'hush' && <PreviewFlags p={c.preview} />}
              </button>
            </li>
          ))}
        </ul>
      )}
      {next !== null && !stale && (
        <div class="conv-tools">
          <button type="button" onClick={() => void load(next)}>
            {t('inboxMore')}
          </button>
        </div>
      )}
    </div>
  );
}

/** The preview names its signed sender ("You" for the user), as the chat does (finding 3). */
function hushPreviewText(p: HushPreview): string {
  // A revoked key's message: the warning instead of its text (the background sends none either).
  const body = textHidden(p.sender) ? t(TRUST_KEYS.revoked) : (p.text ?? previewState(p.state, p.reason));
  if (p.sender === null) return body;
  const who = p.sender.trust === 'self' ? t('trustSelf') : `@${p.sender.acct ?? '?'}`;
  return t('inboxPreviewFrom', [who, body]);
}

/** What the list must say about the last message (findings 3, 4): a sender not listed, the reader's flags. */
function PreviewFlags({ p }: { p: HushPreview }) {
  const trust = p.sender?.trust;
  const lines = [
    // The chat's badge warnings (an earlier key, an identity under review, not a contact), as the
    // view frame words them; a revoked key's is the preview's text itself.
    ...(trust !== undefined && WARN_TRUST.has(trust) && !textHidden(p.sender) ? [t(TRUST_KEYS[trust])] : []),
    ...(p.senderListed ? [] : [t('inboxSenderNotListed', p.sender?.acct ?? '?')]),
    ...p.flags.map((f) => flagText(f)),
  ];
  if (lines.length === 0) return null;
  return (
    <span class="preview-flags" data-testid="preview-flags">
      {lines.map((l, i) => (
        <span key={i} class="flag">
          ⚠ {l}
        </span>
      ))}
    </span>
  );
}

function previewState(state: ViewContent['state'], reason: ViewContent['reason']): string {
  return stateText({
    state,
    reason,
    plaintext: null,
    sender: null,
    createdAt: null,
    replyTo: null,
    flags: [],
    parts: null,
  });
}

function Badge({ trust }: { trust: TrustKind }) {
  return <span class={`badge badge-${trust}`}>{t(TRUST_KEYS[trust])}</span>;
}

function Message({ m }: { m: ThreadMessage }) {
  if (m.hush === null) {
    return (
      <div class="msg plain" data-testid="message" data-kind="plain">
        <span class="plain-mark">{t('inboxNotEncrypted')}</span>
        <div class="text">{m.plain}</div>
        {m.serverTime !== null && (
          <div class="meta">
            <span>{t('inboxServerTime', formatTime(m.serverTime))}</span>
          </div>
        )}
      </div>
    );
  }
  const v = m.hush;
  if (v.state !== 'message') {
    return (
      <div class="msg failed" data-testid="message" data-kind="failed" data-state={v.state}>
        <div class="state">{stateText(v)}</div>
        {v.state === 'failed' && <div class="meta">{t('inboxFailedNext')}</div>}
      </div>
    );
  }
  return (
    <div class="msg" data-testid="message" data-kind="hush" data-trust={v.sender?.trust ?? 'none'}>
      {v.replyTo !== null && (
        <div class="reply">
          {!v.replyTo.known
            ? t('viewInReplyToUnknown')
            : v.replyTo.snippet === null
              ? t('viewInReplyToHidden', v.replyTo.sender ?? '?')
              : t('viewInReplyTo', v.replyTo.sender ?? '?', v.replyTo.snippet)}
        </div>
      )}
      {/* Keyed by the text: a choice to see one message never carries over to another drawn in its place. */}
      <MessageText key={v.plaintext ?? ''} v={v} />
      {v.flags.length > 0 && (
        <ul class="flags">
          {v.flags.map((f, i) => (
            <li key={i}>{flagText(f)}</li>
          ))}
        </ul>
      )}
      <div class="meta">
        {v.sender !== null && <Badge trust={v.sender.trust} />}
        {v.createdAt !== null && <span>{t('viewSignedAt', formatTime(v.createdAt))}</span>}
        {m.statusIds.length > 1 && <span>{t('inboxParts', String(m.statusIds.length))}</span>}
      </div>
    </div>
  );
}

/**
 * The text of a verified message; a revoked key's (not authentic) only after the user chooses to
 * see it, with the view frame's words (`textHidden`, `viewRevealRevoked`).
 */
function MessageText({ v }: { v: ViewContent }) {
  const [shown, setShown] = useState(false);
  if (!textHidden(v.sender) || shown) return <div class="text">{v.plaintext}</div>;
  return (
    <div class="text hidden-text" data-testid="hidden-text">
      <button type="button" class="reveal" onClick={() => setShown(true)} data-testid="reveal">
        {t('viewRevealRevoked')}
      </button>
    </div>
  );
}

/**
 * A message drawn once: adding an older page (30 messages above up to 170 shown) or a fresh answer
 * re-renders only the messages that changed (the page keeps the objects it already has), not the
 * whole history in one task.
 */
class ShownMessage extends Component<{ m: ThreadMessage }> {
  override shouldComponentUpdate(next: { m: ThreadMessage }): boolean {
    return next.m !== this.props.m;
  }
  override render() {
    return <Message m={this.props.m} />;
  }
}

/** Consecutive messages of one sender form a group, like a messenger. */
function groups(list: readonly ThreadMessage[]): { who: string; mine: boolean; items: ThreadMessage[] }[] {
  const out: { who: string; mine: boolean; items: ThreadMessage[] }[] = [];
  for (const m of list) {
    const who = m.hush?.sender?.acct ?? m.author;
    const last = out[out.length - 1];
    if (last !== undefined && last.who === who && last.mine === m.mine) last.items.push(m);
    else out.push({ who, mine: m.mine, items: [m] });
  }
  return out;
}

/**
 * The chat's composer. The recipients are the background's (each with its verification state and
 * warnings, as the secure editor shows them), named again on the Send button; a reply whose
 * answered message was signed for other people than the conversation lists shows the difference
 * and sends only once the user confirms (review finding 1).
 */
function Composer({
  account,
  draftKey,
  replyTo,
  recipients,
  onSent,
  onRemove,
  onInvite,
}: {
  account: Ref;
  draftKey: string;
  replyTo: string | null;
  recipients: readonly string[];
  onSent: () => void;
  onRemove?: (acct: string) => void;
  onInvite?: (acct: string) => void;
}) {
  const [text, setText] = useState('');
  const [status, setStatus] = useState<ComposeStatus | null>(null);
  const [reply, setReply] = useState<ReplyCheck | null>(null);
  const [progress, setProgress] = useState<SendProgress | null>(null);
  const [loaded, setLoaded] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    void call('inbox/draft-get', { account, key: draftKey }).then((r) => {
      if (!r.ok) return;
      const d: InboxDraft = r.value.draft;
      setText(d.text);
      setStatus(r.value.status);
      setReply(r.value.reply);
      setProgress(d.progress?.phase === 'failed' ? d.progress : null);
      setLoaded(true);
    });
  }, [account.origin, account.accountId, draftKey]);

  const save = useCallback(
    async (value: string, confirm = false) => {
      const r = await call('inbox/draft-set', {
        account,
        key: draftKey,
        text: value,
        recipients: [...recipients],
        replyToStatusId: replyTo,
        ...(confirm ? { confirm: true } : {}),
      });
      if (r.ok) {
        setStatus(r.value.status);
        setReply(r.value.reply);
      }
    },
    [account.origin, account.accountId, draftKey, replyTo, recipients.join(' ')],
  );

  useEffect(() => {
    if (loaded) void save(text);
  }, [recipients.join(' '), replyTo]);

  const onInput = (value: string) => {
    setText(value);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(value), 150);
  };

  const doSend = async () => {
    if (timer.current !== null) clearTimeout(timer.current);
    await save(text);
    setProgress({ phase: 'sending', done: 0, total: status?.parts ?? 1 });
    const r = await call('inbox/send', { account, key: draftKey });
    if (!r.ok)
      return setProgress({
        phase: 'failed',
        done: 0,
        total: 0,
        problem: { kind: 'internal', message: r.error.message },
      });
    setProgress(r.value);
    if (r.value.phase === 'sent') {
      setText('');
      onSent();
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void doSend();
    }
  };

  const sending = progress?.phase === 'sending';
  const to = status?.recipients ?? [];
  const blocked = reply !== null && !reply.confirmed;
  return (
    <div class="composer" data-testid="composer">
      {to.length > 0 && (
        <ul class="chips" aria-label={t('inboxRecipients')} data-testid="composer-recipients">
          {to.map((r) => {
            const warn = r.state !== 'ready' || r.warning !== null || r.wasVerified;
            return (
              <li
                key={r.acct}
                class={`chip${warn ? ' warn' : ''}`}
                data-testid="chip"
                data-acct={r.acct}
                data-state={r.state}
                data-trust={r.trust ?? 'none'}
              >
                <span>@{r.acct}</span>
                <span class={`pstate${warn ? ' warn' : ''}`}>({recipientLabel(r)})</span>
                {onInvite !== undefined && r.state === 'no_key' && (
                  <button type="button" class="link" onClick={() => onInvite(r.acct)} data-testid="invite">
                    {t('inboxInvite')}
                  </button>
                )}
                {onRemove !== undefined && (
                  <button
                    type="button"
                    class="link"
                    aria-label={t('inboxRemove', r.acct)}
                    onClick={() => onRemove(r.acct)}
                  >
                    ×
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {reply !== null && (
        <div class="notice stack" role="alert" data-testid="reply-difference" data-confirmed={String(reply.confirmed)}>
          <p>
            <strong>{t('inboxReplyCheckTitle')}</strong>
          </p>
          {reply.notListed.length > 0 && (
            <p>{t('inboxReplyNotListed', `@${reply.sender ?? '?'}`, reply.notListed.map((a) => `@${a}`).join(', '))}</p>
          )}
          {reply.notSigned.length > 0 && (
            <p>{t('inboxReplyNotSigned', `@${reply.sender ?? '?'}`, reply.notSigned.map((a) => `@${a}`).join(', '))}</p>
          )}
          {reply.confirmed ? (
            <p class="muted">{t('inboxReplyConfirmed')}</p>
          ) : (
            <div class="row">
              <button type="button" onClick={() => void save(text, true)} data-testid="confirm-recipients">
                {t('inboxReplyConfirm', to.map((r) => `@${r.acct}`).join(', '))}
              </button>
            </div>
          )}
        </div>
      )}
      <label class="visually-hidden" for={`compose-${draftKey}`}>
        {t('inboxComposeLabel')}
      </label>
      <textarea
        id={`compose-${draftKey}`}
        value={text}
        disabled={sending}
        placeholder={t('inboxComposeLabel')}
        onInput={(e) => onInput(e.currentTarget.value)}
        onKeyDown={onKey}
        data-testid="compose-text"
      />
      <div class="bar">
        <span class="muted" data-testid="budget" aria-live="polite">
          {status === null
            ? ''
            : status.parts === 0
              ? t('inboxSendTooLong')
              : t('inboxBudget', String(status.remaining), String(status.parts))}
        </span>
        <button
          type="button"
          class="primary"
          disabled={sending || blocked || text.trim() === ''}
          onClick={() => void doSend()}
          data-testid="send"
        >
          {to.length === 0 ? t('inboxSend') : t('editorSendTo', to.map((r) => `@${r.acct}`).join(', '))}
        </button>
      </div>
      {sending && (
        <p class="muted" aria-live="polite">
          {t('inboxSending')}
        </p>
      )}
      {progress?.phase === 'failed' && (
        <div class="notice stack" role="alert" data-testid="send-problem">
          <p>{sendProblemText(progress)}</p>
          <p class="muted">{t('inboxDraftKept')}</p>
          <div class="row">
            {progress.problem.kind === 'refused' && progress.problem.status === 401 && (
              <Reconnect account={account} onDone={() => void doSend()} />
            )}
            <button type="button" onClick={() => void doSend()} data-testid="send-retry">
              {t('inboxRetry')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

/** Messages asked for first when a chat opens: about one screen at the side panel's size (the newest). */
const FIRST_SCREEN = 12;
/** Messages per later batch (the rest of the first page, then each "Older"): small, so adding one stays a short task. */
const BATCH = 18;

function Chat({
  account,
  conv,
  onBack,
  version,
}: {
  account: Ref;
  conv: ConversationItem;
  onBack: () => void;
  version: number;
}) {
  const [messages, setMessages] = useState<ThreadMessage[] | null>(null);
  const [older, setOlder] = useState<string | null>(null);
  const [lastId, setLastId] = useState(conv.lastStatusId);
  const [problem, setProblem] = useState<InboxProblem | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  /** Where the log should be once the next messages are drawn: at the end, or as far from the end as before (older ones added above). */
  const keep = useRef<{ fromEnd: number } | null>({ fromEnd: 0 });

  useLayoutEffect(() => {
    const log = logRef.current;
    if (log === null || keep.current === null || messages === null) return;
    const { fromEnd } = keep.current;
    log.scrollTop = log.scrollHeight - log.clientHeight - fromEnd;
    keep.current = null;
    performance.mark('hush-chat:drawn');
    // Groups drawn for the first time take their real height in a later frame (content-visibility
    // sizes them by a placeholder until then): the same distance from the end again each frame
    // until nothing moves (at most 10 frames), unless the user scrolled meanwhile.
    let set = log.scrollTop;
    let frames = 0;
    const settle = () => {
      if (log.scrollTop !== set || ++frames > 10) return;
      log.scrollTop = log.scrollHeight - log.clientHeight - fromEnd;
      if (log.scrollTop === set && frames > 1) return;
      set = log.scrollTop;
      requestAnimationFrame(settle);
    };
    requestAnimationFrame(settle);
  }, [messages]);

  /** What is shown came from the thread as the background last read it (the instance has not answered yet). */
  const known = useRef(false);
  /** Each opening (and each fresh first screen) starts a generation: answers of an earlier one are dropped. */
  const generation = useRef(0);
  /** Messages (or a problem) are drawn. */
  const drawn = useRef(false);
  drawn.current = messages !== null || problem !== null;
  const load = useCallback(
    async (before: string | null, last: string) => {
      // The first screen first (the newest FIRST_SCREEN messages, verified and decrypted by the
      // background before anything else), then the rest in batches, each added above.
      const ask = {
        account,
        conversationId: conv.id,
        lastStatusId: last,
        before,
        limit: before === null ? FIRST_SCREEN : BATCH,
      };
      const gen = before === null ? ++generation.current : generation.current;
      let fresh = false;
      performance.mark(before === null ? 'hush-chat:asked' : 'hush-chat:older-asked');
      if (before === null)
        // The thread as the background read it moments ago, shown until the instance answers.
        void call('inbox/thread', { ...ask, known: true }).then((k) => {
          if (fresh || gen !== generation.current || !k.ok || k.value.result !== 'ok' || k.value.source !== 'known')
            return;
          const page = k.value;
          performance.mark('hush-chat:known');
          known.current = true;
          keep.current = { fromEnd: 0 };
          setMessages((old) => old ?? [...page.messages]);
          setOlder((old) => old ?? page.older);
        });
      const r = await call('inbox/thread', ask);
      fresh = true;
      // An earlier opening's first screen is still drawn while nothing is (a live change reloads
      // the chat as it opens: the first answer need not wait for the second); never its batches.
      if (gen !== generation.current && (before !== null || drawn.current)) return;
      performance.mark(before === null ? 'hush-chat:answer' : 'hush-chat:older-answer');
      if (!r.ok) return setProblem({ result: 'network', message: r.error.message });
      if (r.value.result !== 'ok') return setProblem(r.value);
      const page = r.value;
      setProblem(null);
      const log = logRef.current;
      const fromEnd = log === null ? 0 : log.scrollHeight - log.clientHeight - log.scrollTop;
      // Older ones added above keep the view; the fresh answer over a known one keeps it too.
      keep.current = { fromEnd: before !== null || known.current ? fromEnd : 0 };
      known.current = false;
      // Always the fresh answer, also over the same ids: its badges and flags are the ones that
      // count. An older batch goes above, without the ones already shown ("Older" clicked while
      // the rest of the first page was on its way asks for the same batch).
      setMessages((old) => {
        if (before === null || old === null) return [...page.messages];
        const shown = new Set(old.map((m) => m.statusIds[0]));
        return [...page.messages.filter((m) => !shown.has(m.statusIds[0])), ...old];
      });
      setOlder((o) => (before === null || o === before ? page.older : o));
      // The rest of the first page, once the first screen is drawn (the background decrypts it
      // while the page draws).
      if (before === null && page.older !== null) {
        const next = page.older;
        requestAnimationFrame(() => {
          if (gen === generation.current) void load(next, last);
        });
      }
    },
    [account.origin, account.accountId, conv.id],
  );
  useEffect(() => {
    void load(null, lastId);
    if (conv.unread) void call('inbox/mark-read', { account, conversationId: conv.id });
  }, [load, lastId]);

  // A live change: the conversation's newest status may have moved on.
  useEffect(() => {
    if (version === 0) return;
    void call('inbox/conversations', { account, cursor: null }).then((r) => {
      if (!r.ok || r.value.result !== 'ok') return;
      const fresh = r.value.items.find((c) => c.id === conv.id);
      if (fresh && fresh.lastStatusId !== lastId) setLastId(fresh.lastStatusId);
      else void load(null, lastId);
    });
  }, [version]);

  const newest = messages?.[messages.length - 1];
  const replyTo = newest?.statusIds[newest.statusIds.length - 1] ?? lastId;
  // The message a reply is linked to (signed): never one signed with a revoked key (not authentic).
  const firstHush = [...(messages ?? [])]
    .reverse()
    .find((m) => m.hush?.state === 'message' && !textHidden(m.hush.sender));
  return (
    <section
      class="chat"
      data-testid="chat"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onBack();
      }}
    >
      <div class="chat-head">
        <button type="button" onClick={onBack} data-testid="back">
          {t('inboxBack')}
        </button>
        <h2 tabIndex={-1}>
          <Participants list={conv.participants} />
        </h2>
      </div>
      <div class="chat-log" ref={logRef} data-testid="chat-log" tabIndex={0} aria-label={t('inboxMessages')}>
        {older !== null && (
          <button type="button" onClick={() => void load(older, lastId)} data-testid="older">
            {t('inboxOlder')}
          </button>
        )}
        {problem !== null && <Problem p={problem} account={account} onRetry={() => void load(null, lastId)} />}
        {messages === null && problem === null && (
          <p class="muted" aria-busy="true">
            {t('popupLoading')}
          </p>
        )}
        {messages !== null &&
          groups(messages).map((g) => (
            // Keyed by its newest message: a batch added above that joins a group keeps it drawn.
            <div class={`group${g.mine ? ' mine' : ''}`} key={g.items[g.items.length - 1]?.statusIds[0]}>
              <div class="sender">{g.mine ? t('trustSelf') : `@${g.who}`}</div>
              {g.items.map((m) => (
                <ShownMessage key={m.statusIds[0]} m={m} />
              ))}
            </div>
          ))}
      </div>
      <Composer
        account={account}
        draftKey={`c${conv.id}`}
        replyTo={firstHush === undefined ? replyTo : (firstHush.statusIds[0] ?? replyTo)}
        recipients={conv.participants.map((p) => p.acct)}
        onSent={() => void load(null, lastId)}
      />
    </section>
  );
}

function NewConversation({ account, onBack, onSent }: { account: Ref; onBack: () => void; onSent: () => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [problem, setProblem] = useState<InboxProblem | null>(null);
  const [invited, setInvited] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    void call('inbox/draft-get', { account, key: 'new' }).then((r) => {
      if (r.ok) setChosen([...r.value.draft.recipients]);
    });
  }, [account.origin, account.accountId]);

  const search = (q: string) => {
    setQuery(q);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void call('inbox/search', { account, query: q }).then((r) => {
        if (!r.ok) return setProblem({ result: 'network', message: r.error.message });
        if (r.value.result !== 'ok') return setProblem(r.value);
        setProblem(null);
        setResults([...r.value.accounts]);
      });
    }, 250);
  };

  const invite = async (acct: string) => {
    const r = await call('inbox/invite', { account, recipients: [acct] });
    if (r.ok && r.value.result === 'ok') setInvited(acct);
    else if (r.ok && r.value.result !== 'ok') setProblem(r.value);
  };

  return (
    <section
      class="chat"
      data-testid="new-chat"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onBack();
      }}
    >
      <div class="chat-head">
        <button type="button" onClick={onBack}>
          {t('inboxBack')}
        </button>
        <h2>{t('inboxNew')}</h2>
      </div>
      <div class="chat-log">
        <label for="recipient-search">{t('inboxRecipientSearch')}</label>
        <input
          id="recipient-search"
          type="search"
          value={query}
          onInput={(e) => search(e.currentTarget.value)}
          data-testid="recipient-search"
        />
        {problem !== null && <Problem p={problem} account={account} onRetry={() => search(query)} />}
        <ul class="results" aria-label={t('inboxResults')}>
          {results.map((r) => (
            <li
              key={r.acct}
              data-testid="result"
              data-ready={String(r.ready)}
              data-contact={String(r.contact)}
              data-lookalike={r.lookalikeOf ?? ''}
            >
              <span>
                @{r.acct}{' '}
                <span class="muted">
                  (
                  {t(
                    r.state === 'ready'
                      ? 'inboxResultContact'
                      : r.state === 'unchecked'
                        ? 'inboxResultUnchecked'
                        : 'inboxNotReady',
                  )}
                  )
                </span>
                {r.lookalikeOf !== null && (
                  <span class="flag" data-testid="lookalike">
                    {' '}
                    ⚠ {t('completionLookalike', r.lookalikeOf)}
                  </span>
                )}
              </span>
              {r.state !== 'not_ready' && (
                <button
                  type="button"
                  disabled={chosen.includes(r.acct)}
                  onClick={() => setChosen([...chosen, r.acct])}
                  data-testid="add-recipient"
                >
                  {t('inboxAdd')}
                </button>
              )}
            </li>
          ))}
        </ul>
        {invited !== null && (
          <p class="ok" role="status">
            {t('inboxInvited', invited)}
          </p>
        )}
      </div>
      <Composer
        account={account}
        draftKey="new"
        replyTo={null}
        recipients={chosen}
        onSent={onSent}
        onRemove={(a) => setChosen(chosen.filter((x) => x !== a))}
        onInvite={(a) => void invite(a)}
      />
    </section>
  );
}

export function App() {
  const [state, setState] = useState<InboxState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [screen, setScreen] = useState<Screen>({ kind: 'list' });
  const [version, setVersion] = useState(0);
  const live = useRef<ReturnType<typeof connectLive> | null>(null);
  const early = useMemo(lastAccount, []);

  const refresh = useCallback(async () => {
    const r = await call('inbox/state', {});
    performance.mark('hush-inbox:state');
    if (!r.ok) return setError(errorText(r.error));
    setError(null);
    setState(r.value);
    live.current?.refresh();
  }, []);

  useEffect(() => {
    prefetchList();
    void refresh();
    // A burst of events (a long message, many DMs arriving) is one reload, not one per event.
    let burst: ReturnType<typeof setTimeout> | null = null;
    live.current = connectLive((n) => {
      if (n.kind !== 'changed') return void refresh();
      burst ??= setTimeout(() => {
        burst = null;
        setVersion((x) => x + 1);
      }, 400);
    });
    // Trust is the contacts' state now, as in the view frame: a verification, key change or
    // revocation redraws the list and the open chat at once, not when the instance's stream (which
    // it can withhold) next says something. A mere re-check (its time only) changes nothing shown.
    const onContacts = (changes: Record<string, browser.Storage.StorageChange>, area: string): void => {
      const c = changes[CONTACTS_KEY];
      if (area === 'local' && c !== undefined && trustPart(c.oldValue) !== trustPart(c.newValue))
        setVersion((x) => x + 1);
    };
    browser.storage.onChanged.addListener(onContacts);
    return () => {
      live.current?.close();
      browser.storage.onChanged.removeListener(onContacts);
    };
  }, [refresh]);

  const accounts = state?.accounts ?? [];
  const current =
    accounts.find((a) => keyOf(a) === selected) ??
    accounts.find((a) => a.enabled && a.connection !== 'none') ??
    accounts[0];
  const currentRef = useMemo(() => (current ? refOf(current) : null), [current?.origin, current?.accountId]);
  useEffect(() => {
    if (currentRef === null) return;
    try {
      localStorage.setItem(LAST_ACCOUNT, JSON.stringify(currentRef));
    } catch {
      // Only a round trip is lost.
    }
  }, [currentRef]);

  const lock = async () => {
    await call('keys/lock', {});
    await refresh();
  };

  let body: ComponentChildren;
  if (error !== null)
    body = (
      <p class="error" role="alert" style="padding: 12px">
        {error}
      </p>
    );
  else if (state === null && early !== null)
    // The last shown account's list while the state loads: the background answers it only while
    // unlocked and ready; the state then decides (locked, another account, ...).
    body = (
      <ConversationList
        account={early}
        version={version}
        onOpen={(c) => setScreen({ kind: 'chat', conv: c })}
        onNew={() => setScreen({ kind: 'new' })}
      />
    );
  else if (state === null)
    body = (
      <p class="muted" style="padding: 12px" aria-busy="true">
        {t('popupLoading')}
      </p>
    );
  else if (state.locked)
    body = (
      <Empty title={t('inboxLockedTitle')} testid="inbox-locked">
        <p>{t('inboxLockedText')}</p>
        <UnlockForm
          onUnlocked={() => {
            void refresh();
            setVersion((v) => v + 1);
          }}
        />
      </Empty>
    );
  else if (current === undefined || currentRef === null) {
    body = (
      <Empty title={t('inboxNoAccountTitle')} testid="inbox-no-account">
        <p>{t('inboxNoAccountText')}</p>
        <Connect suggested="" onDone={() => void refresh()} />
      </Empty>
    );
  } else if (!current.enabled)
    body = (
      <Empty title={t('inboxNotEnabledTitle')} testid="inbox-not-enabled">
        <p>{t('inboxNotEnabledText', current.acct)}</p>
      </Empty>
    );
  else if (current.connection === 'none') {
    body = (
      <Empty title={t('inboxConnectTitle', current.acct)} testid="inbox-connect-needed">
        <p>{t('inboxConnectText')}</p>
        <Connect suggested={current.origin} onDone={() => void refresh()} />
      </Empty>
    );
  } else if (screen.kind === 'chat')
    body = (
      <Chat
        key={screen.conv.id}
        account={currentRef}
        conv={screen.conv}
        version={version}
        onBack={() => setScreen({ kind: 'list' })}
      />
    );
  else if (screen.kind === 'new')
    body = (
      <NewConversation
        account={currentRef}
        onBack={() => setScreen({ kind: 'list' })}
        onSent={() => {
          setScreen({ kind: 'list' });
          setVersion((v) => v + 1);
        }}
      />
    );
  else
    body = (
      <ConversationList
        account={currentRef}
        version={version}
        onOpen={(c) => setScreen({ kind: 'chat', conv: c })}
        onNew={() => setScreen({ kind: 'new' })}
      />
    );

  return (
    <div class="inbox-shell">
      <header class="inbox-head">
        <h1>
          <img src="icons/hush-32.png" alt="" />
          {t('inboxTitle')}
        </h1>
        {state?.phrase != null && <SecurityBadge phrase={state.phrase as SecurityPhrase} />}
        <span class="spacer" />
        {accounts.length > 0 && (
          <>
            <label class="visually-hidden" for="inbox-account">
              {t('inboxAccount')}
            </label>
            <select
              id="inbox-account"
              value={current ? keyOf(current) : ''}
              onChange={(e) => {
                setSelected(e.currentTarget.value);
                setScreen({ kind: 'list' });
              }}
              data-testid="account-select"
            >
              {accounts.map((a) => (
                <option key={keyOf(a)} value={keyOf(a)}>
                  @{a.acct}
                  {a.connection === 'oauth' ? '' : ` (${t(`inboxConnection_${a.connection}`)})`}
                </option>
              ))}
            </select>
          </>
        )}
        {state !== null && !state.locked && state.hasPassphrase && (
          <button type="button" onClick={() => void lock()} data-testid="inbox-lock">
            {t('inboxLock')}
          </button>
        )}
        {state !== null && !state.locked && accounts.length > 0 && <AddAccount onDone={() => void refresh()} />}
      </header>
      <div class="inbox-body">
        <main>{body}</main>
      </div>
    </div>
  );
}

function AddAccount({ onDone }: { onDone: () => void }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid="add-account">
        {t('inboxAddAccount')}
      </button>
    );
  return (
    <div class="card">
      <Connect
        suggested=""
        onDone={() => {
          setOpen(false);
          onDone();
        }}
      />
      <button type="button" class="link" onClick={() => setOpen(false)}>
        {t('inboxCancel')}
      </button>
    </div>
  );
}
