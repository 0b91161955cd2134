// /@acct: account header with profile fields as dl/dt/dd (components/account_fields), then posts.
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { apiGet, describeError } from '../api';
import { contentElements } from '../html';
import { parseAccount, type Account } from '../model';
import { statusItem } from '../status/Status';
import { ScrollableList } from '../timeline/ScrollableList';
import { useStatusList } from '../timeline/useStatusList';
import { Column, LoadingOrError } from '../ui/Column';

function Header(props: { account: Account }): JSX.Element {
  const a = props.account;
  return (
    <div class="account__header">
      <div class="account__header__bar">
        <div class="account__header__tabs__name">
          <h1>
            <bdi>
              <span class="display-name__html">{a.display_name || a.username}</span>
            </bdi>{' '}
            <small>
              <span>@{a.acct}</span>
            </small>
          </h1>
        </div>
        <div class="account__header__extra">
          <div class="account__header__bio">
            {a.note && <div class="account__header__content translate">{contentElements(a.note, [])}</div>}
            {a.fields.length > 0 && (
              <div class="account__header__fields">
                {a.fields.map((f, i) => (
                  <dl key={i} class={f.verified_at ? 'verified' : undefined}>
                    <dt class="translate" title={f.name}>
                      {f.name}
                    </dt>
                    <dd class="translate" title={f.value}>
                      {contentElements(f.value, [])}
                    </dd>
                  </dl>
                ))}
              </div>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}

function AccountStatuses(props: { account: Account }): JSX.Element {
  const [list] = useStatusList(`/api/v1/accounts/${encodeURIComponent(props.account.id)}/statuses`, {
    acceptUpdate: false,
  });
  return (
    <ScrollableList
      virtualize
      isLoading={list.loading}
      hasMore={list.hasMore}
      onLoadMore={list.loadMore}
      prepend={<Header account={props.account} />}
      emptyMessage="No posts here!"
      items={list.items.map((s) => ({ id: s.id, render: (hidden) => statusItem(s, hidden) }))}
    />
  );
}

export function Profile(props: { acct: string }): JSX.Element {
  const [account, setAccount] = useState<Account | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    setAccount(null);
    setError(null);
    void apiGet(`/api/v1/accounts/lookup?acct=${encodeURIComponent(props.acct)}`, parseAccount).then((r) => {
      if (!alive) return;
      if (r.ok) setAccount(r.value);
      else setError(describeError(r.error));
    });
    return () => {
      alive = false;
    };
  }, [props.acct]);
  return (
    <Column title={props.acct} icon="at" label="Profile">
      {account ? <AccountStatuses account={account} /> : <LoadingOrError error={error} />}
    </Column>
  );
}
