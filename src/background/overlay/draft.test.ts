import { describe, expect, it } from 'vitest';
import { draftBudget, invitationText, mentionPrefix } from './draft';

describe('draftBudget', () => {
  it('one status for a short message, more as the text grows; the budget shrinks as text is added', () => {
    const short = draftBudget(['bob@b.test'], 'hi', 500, false);
    expect(short.parts).toBe(1);
    expect(short.remaining).toBeGreaterThan(100);
    const longer = draftBudget(['bob@b.test'], 'hi there', 500, false);
    expect(longer.remaining).toBe(short.remaining - ' there'.length);
    const long = draftBudget(['bob@b.test'], 'x'.repeat(2000), 500, false);
    expect(long.parts).toBeGreaterThan(2);
    expect(long.remaining).toBeGreaterThanOrEqual(0);
  });

  it('more recipients leave less room', () => {
    const one = draftBudget(['bob@b.test'], 'hi', 500, false);
    const three = draftBudget(['bob@b.test', 'carol@a.test', 'dave@b.test'], 'hi', 500, false);
    expect(three.remaining).toBeLessThan(one.remaining);
  });
});

it('mentionPrefix and invitationText address exactly the given handles', () => {
  expect(mentionPrefix(['bob@b.test', 'carol'])).toBe('@bob@b.test @carol ');
  expect(mentionPrefix([])).toBe('');
  expect(invitationText(['dave@b.test'])).toMatch(/^@dave@b\.test /);
});
