/**
 * Pure draft logic for the secure editor: which handles a draft addresses, what plaintext it
 * carries, and how much room is left. Mentions typed in the editor ARE the recipients (as in
 * Mastodon, where a direct post goes to whoever it mentions).
 */
import { chunkCapacityBytes, planChunks, plaintextCapacity } from '../../protocol/index';

// @user or @user@domain (Mastodon's username rules: letters, digits, underscore; dots inside).
const MENTION = /(^|[^\w@/])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?)/g;

export interface ParsedDraft {
  /** Handles in order of first appearance, deduplicated (case-insensitive). */
  readonly recipients: readonly string[];
  /** The message: the draft without the leading run of mentions. */
  readonly plaintext: string;
}

export function parseDraft(text: string): ParsedDraft {
  const seen = new Set<string>();
  const recipients: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    const handle = m[2] ?? '';
    if (handle !== '' && !seen.has(handle.toLowerCase())) {
      seen.add(handle.toLowerCase());
      recipients.push(handle);
    }
  }
  const plaintext = text.replace(/^\s*(?:@[A-Za-z0-9_.@-]+\s+)*/, '').trim();
  return { recipients, plaintext };
}

/** The mention text Mastodon will count before the ciphertext ("@bob@b.test @carol "). */
export function mentionPrefix(recipients: readonly string[]): string {
  return recipients.map((r) => `@${r}`).join(' ') + (recipients.length > 0 ? ' ' : '');
}

export interface Budget {
  /** Bytes left in the last status needed (can be shown as the counter). */
  readonly remaining: number;
  readonly parts: number;
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/**
 * The plaintext budget: the statuses the draft needs and the bytes left in the last one. Wraps
 * are one per recipient plus one for the sender's own copy.
 */
export function draftBudget(draft: ParsedDraft, maxChars: number, hasReplyTo: boolean): Budget {
  const capacity = chunkCapacityBytes({ maxChars, mentionText: mentionPrefix(draft.recipients) }) & ~1;
  const wraps = Math.max(1, draft.recipients.length) + 1;
  const len = utf8Length(draft.plaintext);
  const plan = planChunks(capacity, wraps, len, hasReplyTo);
  const parts = plan.ok ? plan.value.length : 0;
  if (parts === 0) return { remaining: -len, parts: 0 };
  return { remaining: plaintextCapacity(capacity, wraps, hasReplyTo, parts) - len, parts };
}

/** The ready-made, unencrypted invitation a user may choose to send to people without a key. */
export function invitationText(accts: readonly string[]): string {
  const who = accts.map((a) => `@${a}`).join(' ');
  return `${who} I'd like to send you an end-to-end encrypted message. Please install Hush (https://hush-e2ee.org) and enable it for your account, then tell me.`;
}
