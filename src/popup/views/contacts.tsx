import { useEffect, useState } from 'preact/hooks';
import { Failure, Loading, TrustBadge } from '../components/common';
import { t } from '../i18n';
import { keysApi, type AccountRef, type ContactSummary, type Outcome } from '../keys-api';
import { isAcct, type Navigate } from '../route';

/** What blocks sending to a contact, in words (nothing when ready). */
export function ContactProblem({ contact }: { contact: ContactSummary }) {
  if (contact.state === 'ready' || contact.state === 'key_changed') return null;
  return (
    <span class="problem" data-testid="contact-problem">
      {t(`contactState_${contact.state}`)}
    </span>
  );
}

export function Contacts({ account, navigate }: { account: AccountRef; navigate: Navigate }) {
  const [query, setQuery] = useState('');
  const [list, setList] = useState<Outcome<readonly ContactSummary[]> | null>(null);
  useEffect(() => {
    let live = true;
    void keysApi.contacts(account, query.trim()).then((r) => live && setList(r));
    return () => {
      live = false;
    };
  }, [account.origin, account.accountId, query]);

  const typed = query.trim().replace(/^@/, '');
  const lookup = isAcct(typed) && !(list?.ok === true && list.value.some((c) => c.acct === typed)) ? typed : null;
  return (
    <div class="stack" data-testid="view-contacts">
      <h2>{t('navContacts')}</h2>
      <p class="muted">{t('contactsExplain')}</p>
      <label for="contact-search">{t('contactsSearch')}</label>
      <input
        id="contact-search"
        type="search"
        value={query}
        onInput={(e) => setQuery(e.currentTarget.value)}
        autocomplete="off"
      />
      {lookup !== null && (
        // Verify someone before (or without) a first message: the background fetches and pins their key.
        <button type="button" data-testid="lookup" onClick={() => navigate({ view: 'contact', acct: lookup })}>
          {t('contactsLookup', `@${lookup}`)}
        </button>
      )}
      {list === null ? (
        <Loading />
      ) : !list.ok ? (
        <Failure reply={list} />
      ) : list.value.length === 0 ? (
        <p class="muted" data-testid="contacts-empty">
          {t(query.trim() === '' ? 'contactsEmpty' : 'contactsNoMatch')}
        </p>
      ) : (
        <ul class="contact-list" aria-label={t('navContacts')}>
          {list.value.map((c) => (
            <li key={c.acct}>
              <button
                type="button"
                class="contact"
                data-testid="contact"
                data-acct={c.acct}
                data-trust={c.trust}
                onClick={() =>
                  navigate(
                    c.trust === 'changed' ? { view: 'key-change', acct: c.acct } : { view: 'contact', acct: c.acct },
                  )
                }
              >
                <span class="acct">@{c.acct}</span>
                <span class="row">
                  <ContactProblem contact={c} />
                  <TrustBadge trust={c.trust} />
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
