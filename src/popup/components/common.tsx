import type { ComponentChildren } from 'preact';
import type { Reply } from '../../messaging/result';
import { isNotBuilt } from '../keys-api';
import { errorText, t } from '../i18n';

export function Loading() {
  return <p class="muted" role="status" aria-busy="true">{t('popupLoading')}</p>;
}

/** A failed reply as a localised sentence: "not in this version" is told apart from "background down". */
export function Failure({ reply }: { reply: Reply<unknown> & { ok: false } }) {
  if (isNotBuilt(reply)) return <p class="notice" role="status" data-testid="unavailable">{t('featureUnavailable')}</p>;
  return <p class="error" role="alert" data-testid="error">{errorText(reply.error)}</p>;
}

export function Section({ title, children, testid }: { title: string; children: ComponentChildren; testid?: string }) {
  const id = `h-${testid ?? title.replace(/\W+/g, '-')}`;
  return (
    <section class="card" aria-labelledby={id} data-testid={testid}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

export function TrustBadge({ trust }: { trust: 'unverified' | 'verified' | 'changed' }) {
  const key = trust === 'verified' ? 'trustVerified' : trust === 'changed' ? 'trustChanged' : 'trustUnverified';
  return <span class={`trust trust-${trust}`} data-trust={trust}>{t(key)}</span>;
}

/** Fingerprints in groups of 4 characters, monospace, so two can be compared by eye. */
export function Fingerprint({ value, label }: { value: string; label: string }) {
  const grouped = value.replace(/\s+/g, '').match(/.{1,4}/g)?.join(' ') ?? value;
  return (
    <p class="fingerprint-row"><span class="muted">{label}</span> <code class="fingerprint">{grouped}</code></p>
  );
}
