import { describe, expect, it } from 'vitest';
import { evictFairly } from './evict';

const group = (s: string) => s[0];

describe('evictFairly (messages per sender, offers per tab)', () => {
  it('takes from the group holding the most, its oldest first, then from groups as large', () => {
    const items = ['a1', 'b1', 'a2', 'a3', 'c1', 'a4', 'b2'];
    // a holds 4: a1, a2 go; then a and b hold 2 each and b's oldest (b1) is older than a3.
    expect(evictFairly(items, group, 3)).toEqual(['a1', 'a2', 'b1']);
    expect(items).toEqual(['a3', 'c1', 'a4', 'b2']);
  });

  it('breaks a tie by the group whose oldest entry is older', () => {
    const items = ['b1', 'a1', 'a2', 'b2'];
    expect(evictFairly(items, group, 1)).toEqual(['b1']);
    expect(evictFairly(items, group, 1)).toEqual(['a1']);
  });

  it('one group flooding cannot push out another group’s only entry', () => {
    const items = ['x1', ...Array.from({ length: 50 }, (_, i) => `f${i}`)];
    evictFairly(items, group, 40);
    expect(items).toContain('x1');
    expect(items).toHaveLength(11);
  });

  it('takes no more than there is', () => {
    const items = ['a1'];
    expect(evictFairly(items, group, 5)).toEqual(['a1']);
    expect(items).toEqual([]);
  });
});
