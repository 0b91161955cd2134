import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../messaging/validate';
import { buildDiagnosticsReport, scrub } from './diagnostics-export';
import { createSettingsStore, type KeyValueArea } from './store';

function memoryArea(initial: Record<string, unknown> = {}): KeyValueArea & { data: Record<string, unknown> } {
  const data = { ...initial };
  return {
    data,
    get: (key) => Promise.resolve(key in data ? { [key]: data[key] } : {}),
    set: (items) => {
      Object.assign(data, items);
      return Promise.resolve();
    },
  };
}

describe('settings store', () => {
  it('has no phrase until one is set, then returns it', async () => {
    const store = createSettingsStore(memoryArea());
    expect(await store.getPhrase()).toBeNull();
    await store.setPhrase({ text: 'blue heron at dawn', pattern: 'grid-green' });
    expect(await store.getPhrase()).toEqual({ text: 'blue heron at dawn', pattern: 'grid-green' });
  });

  it('ignores a corrupted stored phrase instead of rendering it', async () => {
    const store = createSettingsStore(memoryArea({ 'settings:security-phrase': { text: '<b>x</b>'.repeat(20), pattern: 'nope' } }));
    expect(await store.getPhrase()).toBeNull();
  });

  it('merges preference changes over defaults and drops bad stored values', async () => {
    const area = memoryArea({ 'settings:prefs': { defaultEncryption: 'yes' } });
    const store = createSettingsStore(area);
    expect(await store.getPrefs()).toEqual({ defaultEncryption: true });
    expect(await store.setPrefs({ defaultEncryption: false })).toEqual({ defaultEncryption: false });
    expect(await store.setPrefs({})).toEqual({ defaultEncryption: false });
    expect(area.data['settings:prefs']).toEqual({ defaultEncryption: false });
  });
});

describe('settings messages', () => {
  it('accept a trimmed phrase from the popup and refuse it from a content script', () => {
    const checked = validateRequest({ type: 'settings/security-phrase/set', payload: { text: '  otter  ', pattern: 'dots-amber' } }, 'extension-page');
    expect(checked.ok && checked.request.payload).toEqual({ text: 'otter', pattern: 'dots-amber' });
    expect(validateRequest({ type: 'settings/security-phrase/get', payload: {} }, 'content')).toMatchObject({ ok: false, reply: { error: { code: 'forbidden_sender' } } });
    expect(validateRequest({ type: 'settings/security-phrase/get', payload: {} }, 'frame').ok).toBe(true);
  });

  it.each([
    ['empty', { text: '   ', pattern: 'dots-amber' }],
    ['too long', { text: 'x'.repeat(41), pattern: 'dots-amber' }],
    ['control characters', { text: 'a\u0007b', pattern: 'dots-amber' }],
    ['line separator', { text: 'a\u2028b', pattern: 'dots-amber' }],
    ['unknown pattern', { text: 'otter', pattern: 'plaid' }],
    ['extra field', { text: 'otter', pattern: 'dots-amber', html: '<img>' }],
  ])('refuse a phrase that is %s', (_name, payload) => {
    expect(validateRequest({ type: 'settings/security-phrase/set', payload }, 'extension-page')).toMatchObject({ ok: false, reply: { error: { code: 'bad_request' } } });
  });
});

describe('diagnostics export', () => {
  it('scrubs URLs, handles, e-mail addresses and long encoded data', () => {
    const line = 'refused a message from an unknown sender (https://evil.example/path?q=1) for @bob@b.test, mail eve@x.org, key AAAAC3NzaC1lZDI1NTE5AAAAIGxvbmdrZXlkYXRh';
    const out = scrub(line);
    expect(out).toBe('refused a message from an unknown sender (<url>) for <handle>, mail <handle>, key <data>');
  });

  it('builds a report with counts, not names, and scrubbed entries', () => {
    const report = buildDiagnosticsReport({
      extensionVersion: '0.1.0',
      userAgent: 'UA',
      sodium: { ready: true, version: '1.0.22' },
      grantedInstances: 2,
      securityPhraseSet: true,
      prefs: { defaultEncryption: true },
      entries: [{ at: 0, level: 'warn', message: 'could not register Hush on https://a.test' }],
      now: Date.UTC(2026, 0, 2),
    });
    expect(report).toEqual({
      format: 'hush-diagnostics/1',
      createdAt: '2026-01-02T00:00:00.000Z',
      extensionVersion: '0.1.0',
      userAgent: 'UA',
      sodium: { ready: true, version: '1.0.22' },
      grantedInstances: 2,
      securityPhraseSet: true,
      prefs: { defaultEncryption: true },
      entries: [{ at: '1970-01-01T00:00:00.000Z', level: 'warn', message: 'could not register Hush on <url>' }],
    });
    expect(JSON.stringify(report)).not.toContain('a.test');
  });
});
