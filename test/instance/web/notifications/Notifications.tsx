// /notifications: grouped (v2) notifications; mentions render as .notification-ungrouped--mention.
import { useEffect } from 'preact/hooks';
import type { JSX } from 'preact';
import { parseNotificationsV2, type MentionNotification } from '../model';
import { Status, statusItem } from '../status/Status';
import { onStreamEvent } from '../streaming';
import { replaceStatus } from '../timeline/useStatusList';
import { ScrollableList } from '../timeline/ScrollableList';
import { usePagedList } from '../timeline/usePagedList';
import { Column } from '../ui/Column';

function Mention(props: { n: MentionNotification; hidden: boolean }): JSX.Element | null {
  const s = props.n.status;
  if (!s) return null;
  if (props.hidden) return statusItem(s, true);
  const direct = s.visibility === 'direct';
  const cls = ['notification-ungrouped', 'focusable', 'notification-ungrouped--mention'];
  if (direct) cls.push('notification-ungrouped--direct');
  return (
    <div tabIndex={-1}>
      <div class={cls.join(' ')} role="button" tabIndex={0}>
        <h2 class="notification-ungrouped__header">
          {direct ? (s.in_reply_to_id ? 'Private reply' : 'Private mention') : s.in_reply_to_id ? 'Reply' : 'Mention'}
        </h2>
        <Status status={s} prepend={false} />
      </div>
    </div>
  );
}

function Other(props: { n: MentionNotification }): JSX.Element {
  const who = props.n.account?.acct ?? 'someone';
  return (
    <div tabIndex={-1}>
      <div class={`notification-group notification-group--${props.n.type}`} role="button" tabIndex={0}>
        <span>{`@${who}: ${props.n.type}`}</span>
      </div>
    </div>
  );
}

const V2_PATH = '/api/v2/notifications?grouped_types[]=favourite&grouped_types[]=reblog&grouped_types[]=follow';
const notificationKey = (n: MentionNotification): string => n.key;

export function Notifications(): JSX.Element {
  const list = usePagedList(V2_PATH, parseNotificationsV2, notificationKey);
  const { items, setItems } = list;
  useEffect(
    () =>
      onStreamEvent((e) => {
        if (e.event === 'notification')
          setItems((cur) => [e.notification, ...cur.filter((x) => x.key !== e.notification.key)]);
        else if (e.event === 'status.update') {
          setItems((cur) =>
            cur.map((n) =>
              n.status?.id === e.status.id ? { ...n, status: replaceStatus([n.status], e.status)[0] ?? null } : n,
            ),
          );
        } else if (e.event === 'delete') setItems((cur) => cur.filter((n) => n.status?.id !== e.id));
      }),
    [setItems],
  );
  return (
    <Column title="Notifications" icon="bell">
      {list.error !== null && (
        <div class="error-column" role="alert">
          {list.error}
        </div>
      )}
      <ScrollableList
        virtualize
        isLoading={list.loading}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        emptyMessage="You don't have any notifications yet."
        items={items.map((n) => ({
          id: n.key,
          render: (hidden) => (n.type === 'mention' ? <Mention n={n} hidden={hidden} /> : <Other n={n} />),
        }))}
      />
    </Column>
  );
}
