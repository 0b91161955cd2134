import { useEffect, useState } from 'preact/hooks';
import type { Reply } from '../../messaging/result';
import { Failure, Loading, TrustBadge } from '../components/common';
import { t } from '../i18n';
import { keysApi, type AccountRef, type ContactSummary } from '../keys-api';
import type { Navigate } from '../route';

export function Contacts({ account, navigate }: { account: AccountRef; navigate: Navigate }) {
  const [query, setQuery] = useState('');
  const [list, setList] = useState<Reply<readonly ContactSummary[]> | null>(null);
  useEffect(() => {
    let live = true;
    void keysApi.contacts(account, query.trim()).then((r) => live && setList(r));
    return () => { live = false; };
  }, [account.origin, account.accountId, query]);

  return (
    <div class="stack" data-testid="view-contacts">
      <h2>{t('navContacts')}</h2>
      <p class="muted">{t('contactsExplain')}</p>
      <label for="contact-search">{t('contactsSearch')}</label>
      <input id="contact-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} autocomplete="off" />
      {list === null ? <Loading /> : !list.ok ? <Failure reply={list} /> : list.value.length === 0 ? (
        <p class="muted" data-testid="contacts-empty">{t(query.trim() === '' ? 'contactsEmpty' : 'contactsNoMatch')}</p>
      ) : (
        <ul class="contact-list" aria-label={t('navContacts')}>
          {list.value.map((c) => (
            <li key={c.acct}>
              <button type="button" class="contact" data-testid="contact" data-acct={c.acct}
                onClick={() => navigate(c.trust === 'changed' ? { view: 'key-change', acct: c.acct } : { view: 'contact', acct: c.acct })}>
                <span class="acct">@{c.acct}</span>
                <TrustBadge trust={c.trust} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
