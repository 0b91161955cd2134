// Compose state (Mastodon's Redux `compose` slice): the textarea is controlled from here.
// Every change generates a fresh Idempotency-Key, as reducers/compose.js does.
import { bootState } from '../app';
import { apiGet, describeError, uuid } from '../api';
import type { Status, Visibility } from '../model';
import { createStore } from '../store';
import { navigate } from '../router';

export interface ComposeState {
  text: string;
  spoiler: boolean;
  spoilerText: string;
  privacy: Visibility;
  /** Only here, never in the DOM (as compose.in_reply_to). */
  inReplyTo: Status | null;
  /** Id of the status being edited (compose.id), or null when composing a new one. */
  editingId: string | null;
  idempotencyKey: string;
  submitting: boolean;
  error: string | null;
  /** Bumped when the app wants the textarea focused (reply), like compose.focusDate. */
  focusDate: number;
}

const ORDER: Visibility[] = ['public', 'unlisted', 'private', 'direct'];

function fresh(text = ''): ComposeState {
  return {
    text,
    spoiler: false,
    spoilerText: '',
    privacy: bootState().defaultPrivacy,
    inReplyTo: null,
    editingId: null,
    idempotencyKey: uuid(),
    submitting: false,
    error: null,
    focusDate: 0,
  };
}

export const composeStore = createStore<ComposeState>({
  text: '',
  spoiler: false,
  spoilerText: '',
  privacy: 'public',
  inReplyTo: null,
  editingId: null,
  idempotencyKey: '',
  submitting: false,
  error: null,
  focusDate: 0,
});

export function initCompose(): void {
  composeStore.set(fresh(bootState().composeText));
}

function change(patch: Partial<ComposeState>): void {
  composeStore.set((s) => ({ ...s, ...patch, idempotencyKey: uuid(), error: null }));
}

export const changeText = (text: string): void => change({ text });
export const changeSpoilerText = (spoilerText: string): void => change({ spoilerText });
export const toggleSpoiler = (): void => change({ spoiler: !composeStore.get().spoiler });
export const changePrivacy = (privacy: Visibility): void => change({ privacy });
export const cancelReply = (): void => change({ inReplyTo: null, privacy: bootState().defaultPrivacy });

/** privacyPreference: the more restrictive of the parent's visibility and the user's default. */
export function replyPrivacy(parent: Visibility, dflt: Visibility): Visibility {
  return ORDER[Math.max(ORDER.indexOf(parent), ORDER.indexOf(dflt))] ?? dflt;
}

/** How many compose forms are mounted (compose.mounted). */
let mounted = 0;

export function composeMounted(): () => void {
  mounted += 1;
  return () => {
    mounted -= 1;
  };
}

/** ensureComposeIsVisible: replying, mentioning or editing with no compose form on screen opens /publish. */
function ensureComposeIsVisible(): void {
  if (mounted === 0) navigate('/publish');
}

export function replyTo(status: Status): void {
  ensureComposeIsVisible();
  const me = bootState().me;
  const accts = [status.account, ...status.mentions].filter((a) => a.id !== me).map((a) => `@${a.acct}`);
  const text = [...new Set(accts)].map((a) => `${a} `).join('');
  change({
    inReplyTo: status,
    text,
    spoiler: status.spoiler_text.length > 0,
    spoilerText: status.spoiler_text,
    privacy: replyPrivacy(status.visibility, bootState().defaultPrivacy),
    focusDate: Date.now(),
  });
}

/** mentionCompose ("Mention @x" menu item): appends "@acct " and focuses the textarea. */
export function mentionCompose(acct: string): void {
  ensureComposeIsVisible();
  const { text } = composeStore.get();
  change({ text: `${text}${text && !text.endsWith(' ') ? ' ' : ''}@${acct} `, focusDate: Date.now() });
}

function parseSource(v: unknown): { text: string; spoiler_text: string } | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as { text?: unknown; spoiler_text?: unknown };
  return typeof o.text === 'string'
    ? { text: o.text, spoiler_text: typeof o.spoiler_text === 'string' ? o.spoiler_text : '' }
    : null;
}

/** Edit: prefill from GET /api/v1/statuses/:id/source (the raw text), keep the visibility. */
export async function editStatus(status: Status): Promise<void> {
  const r = await apiGet(`/api/v1/statuses/${encodeURIComponent(status.id)}/source`, parseSource);
  if (!r.ok) {
    setSubmitting(false, describeError(r.error));
    return;
  }
  ensureComposeIsVisible();
  change({
    editingId: status.id,
    inReplyTo: null,
    text: r.value.text,
    spoiler: r.value.spoiler_text.length > 0,
    spoilerText: r.value.spoiler_text,
    privacy: status.visibility,
    focusDate: Date.now(),
  });
}

export const cancelEdit = (): void => clearCompose();

export function setSubmitting(submitting: boolean, error: string | null = null): void {
  composeStore.set((s) => ({ ...s, submitting, error }));
}

/** clearAll after a successful submit: empty form, default visibility, no reply. */
export function clearCompose(): void {
  composeStore.set(fresh());
}
