import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../messaging/validate';
import { buildDiagnosticsReport, scrub } from './diagnostics-export';
import { KeyStore } from '../storage/store';
import { MemoryArea } from '../storage/kv';
import { DEFAULT_SETTINGS } from '../storage/schema';
import { createSettingsStore, type SettingsArea } from './store';

function memoryArea(initial: Record<string, unknown> = {}): SettingsArea & { data: Record<string, unknown> } {
  const area = {
    data: { ...initial },
    get: (keys: string[]) =>
      Promise.resolve(Object.fromEntries(keys.filter((k) => k in area.data).map((k) => [k, area.data[k]]))),
    set: (items: Record<string, unknown>) => {
      Object.assign(area.data, JSON.parse(JSON.stringify(items)) as Record<string, unknown>);
      return Promise.resolve();
    },
    remove: (keys: string[]) => {
      area.data = Object.fromEntries(Object.entries(area.data).filter(([k]) => !keys.includes(k)));
      return Promise.resolve();
    },
  };
  return area;
}

describe('settings store', () => {
  it('has no phrase until one is set, then returns it', async () => {
    const store = createSettingsStore(memoryArea());
    expect(await store.getPhrase()).toBeNull();
    await store.setPhrase({ text: 'blue heron at dawn', pattern: 'grid-green' });
    expect(await store.getPhrase()).toEqual({ text: 'blue heron at dawn', pattern: 'grid-green' });
  });

  it('ignores a corrupted stored phrase instead of rendering it, and keeps the other settings', async () => {
    const keys = { rotationPeriodSeconds: 86400, graceSeconds: 86400, autoLockSeconds: 0 };
    const store = createSettingsStore(
      memoryArea({
        'hush:settings': {
          v: 2,
          keys,
          phrase: { text: '<b>x</b>'.repeat(20), pattern: 'nope' },
          prefs: { defaultEncryption: false },
        },
      }),
    );
    expect(await store.getPhrase()).toBeNull();
    expect(await store.getPrefs()).toEqual({ defaultEncryption: false });
    expect(await store.getKeySettings()).toEqual(keys);
  });

  it('merges preference changes over defaults and drops bad stored values', async () => {
    const area = memoryArea({ 'hush:settings': { v: 2, keys: {}, phrase: null, prefs: { defaultEncryption: 'yes' } } });
    const store = createSettingsStore(area);
    expect(await store.getPrefs()).toEqual({ defaultEncryption: true });
    expect(await store.setPrefs({ defaultEncryption: false })).toEqual({ defaultEncryption: false });
    expect(await store.setPrefs({})).toEqual({ defaultEncryption: false });
    expect(area.data['hush:settings']).toMatchObject({ v: 2, prefs: { defaultEncryption: false } });
  });

  it('settings written before the one store (three keys) survive: migrated into one record once, old keys removed', async () => {
    const oldKeys = { rotationPeriodSeconds: 3 * 86400, graceSeconds: 10 * 86400, autoLockSeconds: 300 };
    const phrase = { text: 'blue heron at dawn', pattern: 'grid-green' };
    const area = memoryArea({
      'hush:settings': oldKeys,
      'settings:security-phrase': phrase,
      'settings:prefs': { defaultEncryption: false },
      'hush:contacts': { v: 3, contacts: [] },
    });
    const store = createSettingsStore(area);
    expect(await store.getPhrase()).toEqual(phrase);
    expect(area.data).toEqual({
      'hush:settings': { v: 2, keys: oldKeys, phrase, prefs: { defaultEncryption: false } },
      'hush:contacts': { v: 3, contacts: [] },
    });
    expect(await store.getPrefs()).toEqual({ defaultEncryption: false });
    expect(await store.getKeySettings()).toEqual(oldKeys);
    // The key store reads the same record (one store, two views of it).
    const kv = new MemoryArea();
    await kv.set({ 'hush:settings': oldKeys, 'settings:security-phrase': phrase });
    const keyStore = new KeyStore(kv);
    expect(await keyStore.settings()).toEqual(oldKeys);
    await keyStore.putSettings({ ...oldKeys, autoLockSeconds: 0 });
    expect(await createSettingsStore(kv).getPhrase()).toEqual(phrase);
    expect(await kv.getAll()).toEqual({
      'hush:settings': { v: 2, keys: { ...oldKeys, autoLockSeconds: 0 }, phrase, prefs: { defaultEncryption: true } },
    });
  });

  it('a failed migration write keeps the old keys, and the next read migrates them', async () => {
    const area = memoryArea({ 'settings:prefs': { defaultEncryption: false } });
    const set = area.set.bind(area);
    area.set = () => Promise.reject(new Error('QUOTA_BYTES quota exceeded'));
    const store = createSettingsStore(area);
    expect(await store.getPrefs()).toEqual({ defaultEncryption: false });
    expect(area.data).toEqual({ 'settings:prefs': { defaultEncryption: false } });
    area.set = set;
    expect(await store.getKeySettings()).toEqual(DEFAULT_SETTINGS);
    expect(area.data).toEqual({
      'hush:settings': { v: 2, keys: DEFAULT_SETTINGS, phrase: null, prefs: { defaultEncryption: false } },
    });
  });

  it('concurrent changes from the key store and the settings page are both kept', async () => {
    const area = memoryArea();
    const store = createSettingsStore(area);
    const again = createSettingsStore(area);
    await Promise.all([
      store.setPhrase({ text: 'heron', pattern: 'grid-green' }),
      again.setPrefs({ defaultEncryption: false }),
      again.setKeySettings({ ...DEFAULT_SETTINGS, autoLockSeconds: 0 }),
    ]);
    expect(await store.getPhrase()).toEqual({ text: 'heron', pattern: 'grid-green' });
    expect(await store.getPrefs()).toEqual({ defaultEncryption: false });
    expect((await store.getKeySettings()).autoLockSeconds).toBe(0);
  });
});

describe('settings messages', () => {
  it('accept a trimmed phrase from the popup and refuse it from a content script', () => {
    const checked = validateRequest(
      { type: 'settings/security-phrase/set', payload: { text: '  otter  ', pattern: 'dots-amber' } },
      'extension-page',
    );
    expect(checked.ok && checked.request.payload).toEqual({ text: 'otter', pattern: 'dots-amber' });
    expect(validateRequest({ type: 'settings/security-phrase/get', payload: {} }, 'content')).toMatchObject({
      ok: false,
      reply: { error: { code: 'forbidden_sender' } },
    });
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
    expect(validateRequest({ type: 'settings/security-phrase/set', payload }, 'extension-page')).toMatchObject({
      ok: false,
      reply: { error: { code: 'bad_request' } },
    });
  });
});

describe('diagnostics export', () => {
  it('scrubs URLs, handles, e-mail addresses and long encoded data', () => {
    const line =
      'refused a message from an unknown sender (https://evil.example/path?q=1) for @bob@b.test, mail eve@x.org, key AAAAC3NzaC1lZDI1NTE5AAAAIGxvbmdrZXlkYXRh';
    const out = scrub(line);
    expect(out).toBe('refused a message from an unknown sender (<url>) for <handle>, mail <handle>, key <data>');
  });

  it('builds a report with counts, not names, and scrubbed entries', () => {
    // The fields the report carries over unchanged, written once for the input and the expectation.
    const carried = {
      extensionVersion: '0.1.0',
      userAgent: 'UA',
      sodium: { ready: true, version: '1.0.22' },
      grantedInstances: 2,
      securityPhraseSet: true,
      prefs: { defaultEncryption: true },
    };
    const report = buildDiagnosticsReport({
      ...carried,
      entries: [{ at: 0, level: 'warn', message: 'could not register Hush on https://a.test' }],
      now: Date.UTC(2026, 0, 2),
    });
    expect(report).toEqual({
      format: 'hush-diagnostics/1',
      createdAt: '2026-01-02T00:00:00.000Z',
      ...carried,
      entries: [{ at: '1970-01-01T00:00:00.000Z', level: 'warn', message: 'could not register Hush on <url>' }],
    });
    expect(JSON.stringify(report)).not.toContain('a.test');
  });
});
