import { useEffect, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { Loading, Section } from '../components/common';
import { t } from '../i18n';

/** Origins like "https://a.example" from granted host patterns like "https://a.example/*". */
export function grantedOrigins(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    const m = /^(https?:\/\/[^/*]+)\/\*$/.exec(p);
    if (m?.[1]) out.add(m[1]);
  }
  return [...out].sort();
}

/** Instances Hush runs on (granted host permissions), each revocable. */
export function Instances() {
  const [origins, setOrigins] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () => void browser.permissions.getAll().then((p) => setOrigins(grantedOrigins(p.origins ?? [])));
  useEffect(reload, []);
  const revoke = async (origin: string) => {
    try {
      const removed = await browser.permissions.remove({ origins: [`${origin}/*`] });
      setError(removed ? null : t('instancesRevokeFailed', new URL(origin).host));
    } catch {
      // Permissions granted at install (test builds) cannot be removed at run time.
      setError(t('instancesRevokeFailed', new URL(origin).host));
    }
    reload();
  };
  return (
    <Section title={t('instancesTitle')} testid="options-instances">
      <p class="muted">{t('instancesExplain')}</p>
      {origins === null ? (
        <Loading />
      ) : origins.length === 0 ? (
        <p data-testid="instances-empty">{t('instancesNone')}</p>
      ) : (
        <ul class="instance-list">
          {origins.map((o) => (
            <li key={o} data-testid="instance">
              <span>{new URL(o).host}</span>
              <button
                type="button"
                class="danger"
                onClick={() => void revoke(o)}
                aria-label={t('instancesRevokeOn', new URL(o).host)}
              >
                {t('instancesRevoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error !== null && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </Section>
  );
}
