/** Test helper (used by *.test.ts only): what the inbox tests' fake instance API answers. */
import type { InboxStatus } from '../network/mastodon';

/** A direct status `id` by account `accountId` (`acct`) mentioning the user, with `content` as its text. */
export function inboxStatus(
  id: string,
  accountId: string,
  acct: string,
  content: string,
  over: Partial<InboxStatus> = {},
): InboxStatus {
  return {
    id,
    visibility: 'direct',
    in_reply_to_id: null,
    content: `<p>${content}</p>`,
    spoiler_text: '',
    mentions: [{ id: '1', acct: 'me', url: null }],
    media_attachments: [],
    poll: null,
    account: { id: accountId, acct },
    created_at: '2027-01-15T08:00:00.000Z',
    ...over,
  };
}

/** The conversation list: one unread conversation '9' with alice@alice.example whose last status is `last()` at each call. */
export function oneConversationWithAlice(last: () => InboxStatus) {
  return () =>
    Promise.resolve({
      ok: true as const,
      value: {
        items: [{ id: '9', unread: true, accounts: [{ id: '77', acct: 'alice@alice.example' }], last_status: last() }],
        next: null,
      },
    });
}
