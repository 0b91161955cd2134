import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldsMatch, hushFieldIndex, planFields } from './fields';

const KEY = 'Hush encryption key AAAA';

describe('profile field planning', () => {
  it('appends the key when a field is free, keeping the others exactly', () => {
    const cur = [
      { name: 'Pronouns', value: ' they/them ' },
      { name: 'Web', value: 'https://x' },
    ];
    expect(planFields(cur, KEY, null)).toEqual({
      kind: 'ok',
      fields: [...cur, { name: 'Hush', value: KEY }],
      replaced: null,
      index: 2,
    });
  });
  it('replaces its own field in place (rotation, revocation)', () => {
    const cur = [
      { name: 'A', value: '1' },
      { name: 'Hush', value: 'Hush encryption key OLD' },
      { name: 'B', value: '2' },
      { name: 'C', value: '3' },
    ];
    const p = planFields(cur, KEY, null);
    expect(p).toMatchObject({ kind: 'ok', index: 1 });
    if (p.kind === 'ok') expect(p.fields).toEqual([cur[0], { name: 'Hush', value: KEY }, cur[2], cur[3]]);
    expect(hushFieldIndex([{ name: 'Keys', value: 'Hush key revoked XYZ' }])).toBe(0);
  });
  it('with all four taken, asks instead of dropping one; the chosen one alone is replaced', () => {
    const cur = ['A', 'B', 'C', 'D'].map((n) => ({ name: n, value: n.toLowerCase() }));
    expect(planFields(cur, KEY, null)).toEqual({
      kind: 'full',
      fields: cur.map((f, index) => ({ index, name: f.name })),
    });
    expect(planFields(cur, KEY, 7)).toEqual({ kind: 'bad_choice' });
    const p = planFields(cur, KEY, 2);
    expect(p).toMatchObject({ kind: 'ok', replaced: { name: 'C', value: 'c' } });
    if (p.kind === 'ok') expect(p.fields.map((f) => f.name)).toEqual(['A', 'B', 'Hush', 'D']);
  });
  it('property: every field except the Hush one is preserved byte for byte, in order', () => {
    const field = fc
      .record({ name: fc.string({ maxLength: 20 }), value: fc.string({ maxLength: 40 }) })
      .filter((f) => f.name !== 'Hush' && !f.value.includes('Hush'));
    fc.assert(
      fc.property(fc.array(field, { maxLength: 4 }), fc.option(fc.nat(3), { nil: null }), (cur, choice) => {
        const p = planFields(cur, KEY, choice);
        if (p.kind !== 'ok') return;
        expect(p.fields.filter((f) => f.value !== KEY)).toEqual(cur.filter((_f, i) => i !== p.index || cur.length < 4));
        expect(p.fields.filter((f) => f.value === KEY)).toHaveLength(1);
      }),
      { numRuns: 300 },
    );
  });
  it('fieldsMatch detects server truncation', () => {
    const sent = [{ name: 'Hush', value: KEY }];
    expect(fieldsMatch(sent, sent)).toBe(true);
    expect(fieldsMatch(sent, [{ name: 'Hush', value: KEY.slice(0, 10) }])).toBe(false);
  });
});
