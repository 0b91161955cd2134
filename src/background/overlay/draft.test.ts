import { describe, expect, it } from 'vitest';
import { draftBudget, invitationText, mentionPrefix, parseDraft } from './draft';

describe('parseDraft', () => {
  it('takes every mention as a recipient and strips the leading run from the plaintext', () => {
    const d = parseDraft('@bob@b.test  @carol hello @dave@b.test, see you');
    expect(d.recipients).toEqual(['bob@b.test', 'carol', 'dave@b.test']);
    expect(d.plaintext).toBe('hello @dave@b.test, see you');
  });

  it('deduplicates case-insensitively and ignores e-mail addresses and URLs', () => {
    const d = parseDraft('@Bob@b.test @bob@b.test mail me at x@y.org or https://a.test/@carol');
    expect(d.recipients).toEqual(['Bob@b.test']);
    expect(d.plaintext).toBe('mail me at x@y.org or https://a.test/@carol');
  });

  it('an empty or mention-only draft has no plaintext', () => {
    expect(parseDraft('').plaintext).toBe('');
    expect(parseDraft('@bob@b.test ').plaintext).toBe('');
  });
});

describe('draftBudget', () => {
  it('one status for a short message, more as the text grows; the budget shrinks as text is added', () => {
    const short = draftBudget(parseDraft('@bob@b.test hi'), 500, false);
    expect(short.parts).toBe(1);
    expect(short.remaining).toBeGreaterThan(100);
    const longer = draftBudget(parseDraft('@bob@b.test hi there'), 500, false);
    expect(longer.remaining).toBe(short.remaining - ' there'.length);
    const long = draftBudget(parseDraft(`@bob@b.test ${'x'.repeat(2000)}`), 500, false);
    expect(long.parts).toBeGreaterThan(2);
    expect(long.remaining).toBeGreaterThanOrEqual(0);
  });

  it('more recipients leave less room', () => {
    const one = draftBudget(parseDraft('@bob@b.test hi'), 500, false);
    const three = draftBudget(parseDraft('@bob@b.test @carol@a.test @dave@b.test hi'), 500, false);
    expect(three.remaining).toBeLessThan(one.remaining);
  });
});

it('mentionPrefix and invitationText address exactly the given handles', () => {
  expect(mentionPrefix(['bob@b.test', 'carol'])).toBe('@bob@b.test @carol ');
  expect(mentionPrefix([])).toBe('');
  expect(invitationText(['dave@b.test'])).toMatch(/^@dave@b\.test /);
});
