// budget.json: Mastodon's two character counts, the chunk capacity of a status, and the chunk planner
// (docs/PROTOCOL.md §4.7 and §4.8). A sender that computes these differently writes different chunk sizes.
import { planChunks } from '../../src/protocol/chunking';
import { chunkCapacityBytes } from '../../src/protocol/encrypt';
import { mastodonCount, serverCount, webUiCount } from '../../src/protocol/mastodon-count';
import { STATUS_PREFIX_TEXT } from '../../src/protocol/text-encoding';
import { MANY, mentionOf } from './fixtures';

function counts(): unknown[] {
  const texts: [string, string][] = [
    ['prefix', STATUS_PREFIX_TEXT],
    ['one-mention-and-prefix', `@bob@social.example ${STATUS_PREFIX_TEXT}`],
    ['mention-upper-case', '@Bob@Social.Example hi'],
    ['mention-local-only', '@bob hi'],
    ['mention-after-slash-not-matched', 'a/@bob@social.example'],
    ['mention-after-letter-not-matched', 'x@bob@social.example'],
    ['mention-long-s-not-a-letter', '@\u017fam@social.example'],
    ['mention-kelvin-sign-not-a-letter', '@\u212aim@social.example'],
    ['mention-domain-ends-with-dot', '@bob@social.example.'],
    ['url-https', 'see https://example.com/some/very/long/path?with=query&and=more ok'],
    ['url-http-upper-case-scheme', 'HTTP://EXAMPLE.COM/abc'],
    ['url-stops-at-quote', 'https://example.com/a"b'],
    ['url-gemini-server-only', 'gemini://example.org/a/long/capsule/path'],
    ['url-xmpp-server-only', 'xmpp:someone@example.org'],
    ['combining-accent', 'e\u0301e\u0301'],
    ['emoji-zwj-family', '\u{1f468}\u200d\u{1f469}\u200d\u{1f467}'],
    ['hush16-characters', '\u3400\u4e00\u{20000}\u{29440}'],
    ['crlf', 'a\r\nb'],
  ];
  return texts.map(([name, text]) => ({
    name,
    text,
    server: serverCount(text),
    webUi: webUiCount(text),
    count: mastodonCount(text),
  }));
}

function capacities(): unknown[] {
  const cases: [string, string, number][] = [
    ['one-mention', '@bob@social.example ', 500],
    ['three-mentions-300', '@alice@alice.example @bob@social.example @dave@social.example ', 300],
    ['twenty-mentions', `${MANY.map(mentionOf).join(' ')} `, 500],
    ['long-limit-capped-at-16384', '@bob@social.example ', 10000],
    ['no-room', '@someone '.repeat(60), 500],
  ];
  return cases.map(([name, mentionText, maxChars]) => ({
    name,
    mentionText,
    maxChars,
    headCount: mastodonCount(mentionText + STATUS_PREFIX_TEXT),
    capacityBytes: chunkCapacityBytes({ mentionText, maxChars }),
  }));
}

function plans(): unknown[] {
  const cases: [string, number, number, number, boolean][] = [
    ['one-recipient-short', 940, 2, 25, false],
    ['one-recipient-empty-message', 940, 2, 0, false],
    ['one-recipient-exactly-full', 940, 2, 663, false],
    ['one-recipient-one-byte-over', 940, 2, 664, false],
    ['one-recipient-reply-chunked', 940, 2, 2000, true],
    ['twenty-recipients', 750, 21, 50, false],
    ['fifty-recipients', 940, 51, 10, false],
    ['odd-capacity', 935, 2, 1000, false],
    ['smallest-capacity', 228, 3, 10, false],
    ['capacity-too-small', 227, 2, 10, false],
    ['capacity-capped', 20000, 2, 17000, false],
    ['more-than-16-chunks', 940, 2, 13039, false],
    ['exactly-16-chunks', 940, 2, 13038, false],
  ];
  return cases.map(([name, capacity, totalWraps, plaintextLength, hasReplyTo]) => {
    const p = planChunks(capacity, totalWraps, plaintextLength, hasReplyTo);
    return {
      name,
      capacity,
      totalWraps,
      plaintextLength,
      hasReplyTo,
      ...(p.ok ? { chunks: p.value } : { reason: p.reason }),
    };
  });
}

export function buildBudget(): unknown {
  return { counts: counts(), capacities: capacities(), plans: plans() };
}
