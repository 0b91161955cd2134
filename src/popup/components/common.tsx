import type { ComponentChildren } from 'preact';
import type { Failed } from '../keys-api';
import { errorText, reasonText, t } from '../i18n';

export function Loading() {
  return (
    <p class="muted" role="status" aria-busy="true">
      {t('popupLoading')}
    </p>
  );
}

/** A failed outcome as a localised sentence: a refusal by the background, or a transport error. */
export function Failure({ reply }: { reply: Failed }) {
  if (reply.reason !== undefined)
    return (
      <p class="error" role="alert" data-testid="refused" data-reason={reply.reason}>
        {reasonText(reply.reason)}
      </p>
    );
  return (
    <p class="error" role="alert" data-testid="error" data-code={reply.error.code}>
      {errorText(reply.error)}
    </p>
  );
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
  return (
    <span class={`trust trust-${trust}`} data-trust={trust}>
      {t(key)}
    </span>
  );
}

/** Fingerprints in groups of 4 characters, monospace, so two can be compared by eye. */
export function Fingerprint({ value, label }: { value: string; label: string }) {
  const grouped =
    value
      .replace(/\s+/g, '')
      .match(/.{1,4}/g)
      ?.join(' ') ?? value;
  return (
    <p class="fingerprint-row">
      <span class="muted">{label}</span> <code class="fingerprint">{grouped}</code>
    </p>
  );
}

/**
 * A text or password input with its label, bound by `id` (the label names the input for screen
 * readers and a click on it focuses the input); `onValue` gets the text as typed.
 */
export function Field({ id, label, type, onValue, ...input }: FieldProps) {
  const onInput = (e: { currentTarget: HTMLInputElement }) => onValue(e.currentTarget.value);
  return (
    <>
      <label for={id}>{label}</label>
      {/* one branch per type: preact types an input's attributes by its type */}
      {type === 'password' ? (
        <input id={id} type="password" {...input} onInput={onInput} />
      ) : (
        <input id={id} type="text" {...input} onInput={onInput} />
      )}
    </>
  );
}

interface FieldProps {
  readonly id: string;
  readonly label: string;
  readonly type: 'text' | 'password';
  readonly value: string;
  readonly onValue: (value: string) => void;
  readonly autocomplete?: string;
  readonly placeholder?: string;
  readonly maxLength?: number;
  readonly spellcheck?: boolean;
  readonly 'aria-describedby'?: string;
  readonly 'aria-invalid'?: boolean;
}
