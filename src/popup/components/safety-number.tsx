import { t } from '../i18n';

/** 60 digits as 12 groups of 5 (3 rows of 4), as Signal shows them. */
export function groupDigits(digits: string): string[] {
  return /^\d{60}$/.test(digits) ? (digits.match(/\d{5}/g) ?? []) : [];
}

export function SafetyNumber({ digits }: { digits: string }) {
  const groups = groupDigits(digits);
  if (groups.length !== 12)
    return (
      <p class="error" role="alert">
        {t('errSafetyNumber')}
      </p>
    );
  return (
    // Screen readers get the groups with pauses, not a 60-digit number read as one value.
    <div class="safety-number" role="group" aria-label={t('safetyNumberLabel')} data-testid="safety-number">
      {groups.map((g, i) => (
        <span key={i} class="sn-group">
          {g}
        </span>
      ))}
    </div>
  );
}
