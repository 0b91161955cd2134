// /conversations: the DM column (features/direct_timeline). Not unrendered off-screen.
import { useEffect } from 'preact/hooks';
import { Fragment, type JSX } from 'preact';
import { apiRequest } from '../api';
import { bootState } from '../app';
import { parseConversation, parseList, type Conversation as Conv } from '../model';
import { navigate } from '../router';
import { ActionBar, statusPath } from '../status/Status';
import { AttachmentList } from '../status/Media';
import { StatusContent } from '../status/StatusContent';
import { relativeTime } from '../status/time';
import { connectDirectStream, onStreamEvent } from '../streaming';
import { ScrollableList } from '../timeline/ScrollableList';
import { usePagedList } from '../timeline/usePagedList';
import { Column } from '../ui/Column';

function upsert(list: Conv[], c: Conv): Conv[] {
  return [c, ...list.filter((x) => x.id !== c.id)];
}

function ConversationEntry(props: { conversation: Conv; onRead: (id: string) => void }): JSX.Element | null {
  const c = props.conversation;
  const s = c.last_status;
  const me = bootState().me;
  const others = c.accounts.filter((a) => a.id !== me);
  if (!s) return null; // as conversation.jsx: nothing to show without a last status
  const open = (): void => {
    if (c.unread) {
      props.onRead(c.id);
      void apiRequest('POST', `/api/v1/conversations/${encodeURIComponent(c.id)}/read`);
    }
    navigate(statusPath(s));
  };
  return (
    <div class={`conversation focusable muted${c.unread ? ' unread' : ''}`} tabIndex={0}>
      <div class="conversation__avatar" onClick={open} role="presentation">
        <div class="account__avatar-composite" />
      </div>
      <div class="conversation__content">
        <div class="conversation__content__info">
          <div class="conversation__content__relative-time">
            {c.unread && <span class="conversation__unread" />}
            <time dateTime={s.created_at}>{relativeTime(s.created_at)}</time>
          </div>
          <div class="conversation__content__names">
            {'With '}
            <span>
              {others.map((a, i) => (
                <Fragment key={a.id}>
                  {i > 0 && ', '}
                  <a href={`/@${a.acct}`} data-hover-card-account={a.id}>
                    <bdi>
                      <strong class="display-name__html">{a.display_name || a.username}</strong>
                    </bdi>
                  </a>
                </Fragment>
              ))}
            </span>
          </div>
        </div>
        {/* The entry shows last_status content even behind a CW (no spoiler logic here in 4.3+). */}
        <StatusContent status={s} onClick={open} collapsible />
        {s.media_attachments.length > 0 && <AttachmentList media={s.media_attachments} />}
        <ActionBar status={s} compact />
      </div>
    </div>
  );
}

const parseConversations = (v: unknown): Conv[] | null => parseList(v, parseConversation);
const conversationId = (c: Conv): string => c.id;

export function Conversations(): JSX.Element {
  const list = usePagedList('/api/v1/conversations', parseConversations, conversationId);
  const { items, setItems } = list;
  useEffect(connectDirectStream, []);
  useEffect(
    () =>
      onStreamEvent((e) => {
        if (e.event === 'conversation') setItems((cur) => upsert(cur, e.conversation));
        else if (e.event === 'status.update') {
          setItems((cur) => cur.map((c) => (c.last_status?.id === e.status.id ? { ...c, last_status: e.status } : c)));
        } else if (e.event === 'delete') {
          setItems((cur) =>
            cur
              .map((c) => (c.last_status?.id === e.id ? { ...c, last_status: null } : c))
              .filter((c) => c.last_status !== null),
          );
        }
      }),
    [setItems],
  );
  const markRead = (id: string): void => setItems((cur) => cur.map((c) => (c.id === id ? { ...c, unread: false } : c)));
  return (
    <Column title="Private mentions" icon="at">
      {list.error !== null && (
        <div class="error-column" role="alert">
          {list.error}
        </div>
      )}
      <ScrollableList
        virtualize={false}
        isLoading={list.loading}
        hasMore={list.hasMore}
        onLoadMore={list.loadMore}
        prepend={
          <div class="follow_requests-unlocked_explanation">
            <span>
              Posts on Mastodon are not end-to-end encrypted. Do not share any sensitive information over Mastodon.
            </span>
          </div>
        }
        emptyMessage="You don't have any private mentions yet. When you send or receive one, it will show up here."
        items={items.map((c) => ({
          id: c.id,
          render: () => (
            <div tabIndex={-1}>
              <ConversationEntry conversation={c} onRead={markRead} />
            </div>
          ),
        }))}
      />
    </Column>
  );
}
