/**
 * Pure draft logic for the secure editor: how much room is left. Recipients are a list the editor
 * keeps beside the text (issue #15): an "@" inside the message is just text, never a recipient.
 */
import { chunkCapacityBytes, planChunks, plaintextCapacity } from '../../protocol/index';

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
export function draftBudget(
  recipients: readonly string[],
  plaintext: string,
  maxChars: number,
  hasReplyTo: boolean,
): Budget {
  const capacity = chunkCapacityBytes({ maxChars, mentionText: mentionPrefix(recipients) }) & ~1;
  const wraps = Math.max(1, recipients.length) + 1;
  const len = utf8Length(plaintext);
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
