import { describe, expect, it } from 'vitest';
import { detectMastodon, generationOf } from './detect';

const state = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    meta: { domain: 'a.test', version: '4.8.0', me: '7', access_token: 'tok' },
    compose: { me: '7' },
    accounts: { '7': { id: '7', acct: 'alice', url: 'https://a.test/@alice', uri: 'https://a.test/users/alice' } },
    languages: [['en', 'English', 'English']],
    ...over,
  });
const props = '{"locale":"en"}';

describe('detectMastodon', () => {
  it('recognises a signed-in web UI and reports domain, version, generation and account', () => {
    const r = detectMastodon({ holderProps: props, initialState: state() });
    expect(r).toEqual({
      ok: true,
      page: {
        domain: 'a.test',
        version: '4.8.0',
        generation: '4.5',
        account: { id: '7', acct: 'alice', url: 'https://a.test/@alice', uri: 'https://a.test/users/alice' },
      },
    });
  });

  it('reports a signed-out page with no account', () => {
    const r = detectMastodon({
      holderProps: props,
      initialState: state({ meta: { domain: 'a.test', version: '4.4.2' } }),
    });
    expect(r.ok && r.page.account).toBeNull();
    expect(r.ok && r.page.generation).toBe('4.3');
  });

  it('requires both markers (admin and embed pages have initial-state but no mount node)', () => {
    expect(detectMastodon({ holderProps: null, initialState: state() })).toEqual({
      ok: false,
      reason: 'no_app_holder',
    });
    expect(detectMastodon({ holderProps: props, initialState: null })).toEqual({
      ok: false,
      reason: 'no_initial_state',
    });
  });

  it.each([
    ['not JSON', props, '{'],
    ['JSON array', props, '[]'],
    [
      'missing languages',
      props,
      JSON.stringify({ meta: { domain: 'a', version: '4.8.0' }, compose: {}, accounts: {} }),
    ],
    ['version not a string', props, state({ meta: { domain: 'a.test', version: 48 } })],
    ['props without locale', '{}', state()],
    ['props not JSON', 'x', state()],
    ['huge state', props, ' '.repeat(5_000_001)],
  ])('rejects malformed markers: %s', (_name, holderProps, initialState) => {
    expect(detectMastodon({ holderProps, initialState })).toEqual({ ok: false, reason: 'bad_initial_state' });
  });

  it('ignores an account entry that is not an object', () => {
    const r = detectMastodon({ holderProps: props, initialState: state({ accounts: { '7': 'alice' } }) });
    expect(r.ok && r.page.account).toBeNull();
  });
});

describe('generationOf', () => {
  it.each([
    ['4.3.0', '4.3'],
    ['4.4.0-rc.1', '4.3'],
    ['4.4.9+glitch', '4.3'],
    ['4.5.0', '4.5'],
    ['4.8.0-alpha.1', '4.5'],
    ['5.0.0', '4.5'],
    ['weird', '4.5'],
  ])('%s -> %s', (v, g) => expect(generationOf(v)).toBe(g));
});
