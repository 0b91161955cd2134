// submitCompose: POST /api/v1/statuses with Idempotency-Key, then clearAll on success.
import { generation } from '../app';
import { apiRequest, describeError } from '../api';
import { parseStatus, type Status } from '../model';
import { serverStore } from '../server';
import { countedLength } from './counter';
import { clearCompose, composeStore, setSubmitting, type ComposeState } from './state';

const postedListeners = new Set<(s: Status) => void>();

/** Columns that insert own posts locally (home, for non-direct) listen here. */
export function onPosted(fn: (s: Status) => void): () => void {
  postedListeners.add(fn);
  return () => postedListeners.delete(fn);
}

export function canSubmit(s: ComposeState, maxChars: number): boolean {
  const len = countedLength(s.text, s.spoilerText, s.spoiler);
  const blank = (s.spoiler ? s.spoilerText : '').trim().length === 0 && s.text.trim().length === 0;
  if (s.submitting || len > maxChars) return false;
  // 4.3-4.4 disable the button for blank posts; 4.5+ keep it enabled and refuse on submit.
  return !(blank && generation().name === 'legacy');
}

/** Resolves true when a post was created or saved. */
export async function submitCompose(): Promise<boolean> {
  const s = composeStore.get();
  if (!canSubmit(s, serverStore.get().maxCharacters)) return false;
  if (s.text.trim().length === 0 && (!s.spoiler || s.spoilerText.trim().length === 0)) return false;
  setSubmitting(true);
  const body: Record<string, unknown> = {
    status: s.text,
    in_reply_to_id: s.inReplyTo?.id ?? null,
    media_ids: [],
    sensitive: false,
    spoiler_text: s.spoiler ? s.spoilerText : '',
    visibility: s.privacy,
    poll: null,
    language: 'en',
  };
  if (generation().name === 'modern') {
    body.quoted_status_id = null;
    body.quote_approval_policy = s.privacy === 'private' || s.privacy === 'direct' ? 'nobody' : 'public';
  }
  const r =
    s.editingId === null
      ? await apiRequest('POST', '/api/v1/statuses', { body, headers: { 'Idempotency-Key': s.idempotencyKey } })
      : await apiRequest('PUT', `/api/v1/statuses/${encodeURIComponent(s.editingId)}`, {
          body,
          headers: { 'Idempotency-Key': s.idempotencyKey },
        });
  if (!r.ok) {
    setSubmitting(false, describeError(r.error));
    return false;
  }
  clearCompose();
  const status = parseStatus(r.value);
  if (status && s.editingId === null) for (const l of postedListeners) l(status);
  return true;
}
