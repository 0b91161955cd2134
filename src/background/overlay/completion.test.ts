import { describe, expect, it } from 'vitest';
import { rankCompletions } from './completion';

describe('rankCompletions (one ranking for the editor and the inbox; review finding 5)', () => {
  const contacts = [
    { acct: 'bob@b.test', trust: 'unverified' as const, usable: true },
    { acct: 'bobby@c.test', trust: 'verified' as const, usable: true },
  ];

  it('pinned contacts first (verified first) whatever order the instance answers in; look-alikes marked', () => {
    // Attack: the instance ranks its look-alike bob@b-test.example above the pinned bob@b.test.
    const out = rankCompletions(contacts, 'bob', [
      { acct: 'bob@b-test.example', hasKey: false },
      { acct: 'bob@b.test', hasKey: false },
    ]);
    expect(out.map((c) => c.acct)).toEqual(['bobby@c.test', 'bob@b.test', 'bob@b-test.example']);
    expect(out[1]).toMatchObject({ contact: true, hasKey: true, lookalikeOf: null });
    expect(out[2]).toMatchObject({ contact: false, hasKey: false, lookalikeOf: 'bob@b.test' });
  });

  it('a genuine search with no namesake marks nothing', () => {
    const out = rankCompletions([], 'carol', [{ acct: 'carol@a.test', hasKey: false }]);
    expect(out).toEqual([{ acct: 'carol@a.test', contact: false, hasKey: false, lookalikeOf: null }]);
  });
});
