/** Test helper (used by *.test.ts only): what the inbox tests' fake instance API answers. */
import type { InboxStatus } from '../network/mastodon';
import type { InboxDeps } from './service';

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

/**
 * The inbox's outside world the tests do not vary: `account` as the one active key account
 * (me@a.test), no phrase, no page token, no open tab, no sign-in, the clock at 1_800_000_100.
 */
export function fixedDeps(account: {
  origin: string;
  accountId: string;
}): Pick<InboxDeps, 'keyAccounts' | 'phrase' | 'pageToken' | 'hasTab' | 'identity' | 'allowHttpLoopback' | 'now'> {
  return {
    keyAccounts: () =>
      Promise.resolve([{ origin: account.origin, accountId: account.accountId, acct: 'me@a.test', active: true }]),
    phrase: () => Promise.resolve(null),
    pageToken: () => Promise.resolve(null),
    hasTab: () => Promise.resolve(false),
    identity: { redirectUrl: () => '', launch: () => Promise.reject(new Error('unused')) },
    allowHttpLoopback: false,
    now: () => Promise.resolve(1_800_000_100),
  };
}
