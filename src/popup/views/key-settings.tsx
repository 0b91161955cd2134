import { useEffect, useState } from 'preact/hooks';
import { Failure, Loading, Section } from '../components/common';
import { t } from '../i18n';
import { keysApi, type KeySettings, type Outcome } from '../keys-api';

const FIELDS = [
  { key: 'rotationDays', label: 'keySetRotation', hint: 'keySetRotationHint', min: 1, max: 365 },
  { key: 'graceDays', label: 'keySetGrace', hint: 'keySetGraceHint', min: 1, max: 365 },
  { key: 'autoLockMinutes', label: 'keySetAutoLock', hint: 'keySetAutoLockHint', min: 0, max: 1440 },
] as const;

/** Rotation period, grace window and auto-lock delay (owned and validated by the keys background). */
export function KeySettingsForm() {
  const [settings, setSettings] = useState<Outcome<KeySettings> | null>(null);
  const [draft, setDraft] = useState<Partial<Record<keyof KeySettings, string>>>({});
  const [saved, setSaved] = useState<Outcome<KeySettings> | null>(null);
  useEffect(() => void keysApi.getSettings().then(setSettings), []);

  const save = async (e: Event) => {
    e.preventDefault();
    const change: Partial<Record<keyof KeySettings, number>> = {};
    for (const f of FIELDS) {
      const raw = draft[f.key];
      if (raw !== undefined && raw !== '') change[f.key] = Number(raw);
    }
    const r = await keysApi.setSettings(change);
    setSaved(r);
    if (r.ok) setSettings(r);
  };

  return (
    <Section title={t('keySetTitle')} testid="options-keys">
      {settings === null ? (
        <Loading />
      ) : !settings.ok ? (
        <Failure reply={settings} />
      ) : (
        <form class="stack" onSubmit={(e) => void save(e)}>
          {FIELDS.map((f) => (
            <div key={f.key} class="field">
              <label for={`ks-${f.key}`}>{t(f.label)}</label>
              <input
                id={`ks-${f.key}`}
                type="number"
                inputMode="numeric"
                min={f.min}
                max={f.max}
                step={1}
                aria-describedby={`ks-${f.key}-hint`}
                value={draft[f.key] ?? String(settings.value[f.key])}
                onInput={(e) => setDraft({ ...draft, [f.key]: e.currentTarget.value })}
              />
              <p id={`ks-${f.key}-hint`} class="muted">
                {t(f.hint)}
              </p>
            </div>
          ))}
          <button type="submit" class="primary">
            {t('save')}
          </button>
          {saved &&
            (saved.ok ? (
              <p class="ok" role="status">
                {t('saved')}
              </p>
            ) : (
              <Failure reply={saved} />
            ))}
        </form>
      )}
    </Section>
  );
}
