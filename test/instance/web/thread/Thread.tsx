// /@acct/:id: ancestors, the detailed (focused) status, descendants (features/status). Not virtualised.
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { apiGet, describeError } from '../api';
import { generation } from '../app';
import { parseList, parseStatus, type Status as StatusT } from '../model';
import {
  ActionBar,
  ContentWarning,
  QuotedStatus,
  Status,
  VisibilityIcon,
  statusPath,
  type ThreadPosition,
} from '../status/Status';
import { StatusMedia } from '../status/Media';
import { expandedStore, toggleExpanded } from '../status/expanded';
import { StatusContent } from '../status/StatusContent';
import { useStore } from '../store';
import { onStreamEvent } from '../streaming';
import { replaceStatus } from '../timeline/useStatusList';
import { Column, LoadingOrError } from '../ui/Column';
import { Icon } from '../ui/Icon';

interface ThreadState {
  status: StatusT | null;
  ancestors: StatusT[];
  descendants: StatusT[];
  error: string | null;
  deleted: boolean;
}

function parseContext(v: unknown): { ancestors: StatusT[]; descendants: StatusT[] } | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as { ancestors?: unknown; descendants?: unknown };
  const ancestors = parseList(o.ancestors, parseStatus);
  const descendants = parseList(o.descendants, parseStatus);
  return ancestors && descendants ? { ancestors, descendants } : null;
}

/** features/status/components/detailed_status.tsx: the focused status sits one div deeper than its wrapper. */
function DetailedStatus(props: { status: StatusT }): JSX.Element {
  const s = props.status;
  const quote = generation().minor >= 4 ? s.quote : null;
  const hasCw = s.spoiler_text.length > 0;
  const expanded = useStore(expandedStore).has(s.id);
  const a = s.account;
  return (
    <div
      class={`focusable detailed-status__wrapper detailed-status__wrapper-${s.visibility}`}
      tabIndex={0}
      aria-label={s.account.acct}
    >
      <div style={{ boxSizing: 'border-box' }}>
        <div class={`detailed-status${quote ? ' status--has-quote' : ''}`}>
          {s.visibility === 'direct' && (
            <div class="status__prepend">
              <div class="status__prepend-icon-wrapper">
                <Icon id="at" className="status__prepend-icon" />
              </div>
              <span>Private mention</span>
            </div>
          )}
          <a href={`/@${a.acct}`} data-hover-card-account={a.id} class="detailed-status__display-name">
            <div class="detailed-status__display-avatar">
              <div class="account__avatar" />
            </div>
            <span class="display-name">
              <bdi>
                <strong class="display-name__html">{a.display_name || a.username}</strong>
              </bdi>{' '}
              <span class="display-name__account">@{a.acct}</span>
            </span>
          </a>
          {hasCw && <ContentWarning text={s.spoiler_text} expanded={expanded} onToggle={() => toggleExpanded(s.id)} />}
          {(!hasCw || expanded) && (
            <>
              <StatusContent status={s} />
              <StatusMedia status={s} />
              {quote && <QuotedStatus quote={quote} />}
            </>
          )}
          <div class="detailed-status__meta">
            <div class="detailed-status__meta__line">
              <a class="detailed-status__datetime" href={statusPath(s)} target="_blank" rel="noopener noreferrer">
                <time dateTime={s.created_at}>{s.created_at}</time>
              </a>
              <VisibilityIcon visibility={s.visibility} />
            </div>
            {s.edited_at !== null && (
              <div class="detailed-status__meta__line">
                <span class="detailed-status__edited">Edited</span>
              </div>
            )}
          </div>
        </div>
      </div>
      <ActionBar status={s} detailed />
    </div>
  );
}

/** renderChildren: each status knows its neighbours (status__line) and the focused one (rootId). */
function threadItems(list: StatusT[], focused: StatusT, ancestors: boolean): JSX.Element[] {
  return list.map((s, i) => {
    // nextId = list[i + 1] || (ancestors && statusId): after the last ancestor comes the focused status.
    const next = list[i + 1] ?? (ancestors ? focused : undefined);
    const previous = i > 0 ? list[i - 1] : undefined;
    const position: ThreadPosition = {
      rootId: focused.id,
      ...(previous ? { previousId: previous.id } : {}),
      ...(next?.in_reply_to_id ? { nextInReplyToId: next.in_reply_to_id } : {}),
    };
    return (
      <div key={s.id} tabIndex={-1}>
        <Status status={s} thread={position} />
      </div>
    );
  });
}

export function Thread(props: { statusId: string }): JSX.Element {
  const [st, setSt] = useState<ThreadState>({
    status: null,
    ancestors: [],
    descendants: [],
    error: null,
    deleted: false,
  });
  useEffect(() => {
    let alive = true;
    const id = encodeURIComponent(props.statusId);
    void Promise.all([
      apiGet(`/api/v1/statuses/${id}`, parseStatus),
      apiGet(`/api/v1/statuses/${id}/context`, parseContext),
    ]).then(([s, ctx]) => {
      if (!alive) return;
      if (!s.ok) {
        setSt((cur) => ({ ...cur, error: describeError(s.error) }));
        return;
      }
      setSt({
        status: s.value,
        ancestors: ctx.ok ? ctx.value.ancestors : [],
        descendants: ctx.ok ? ctx.value.descendants : [],
        error: null,
        deleted: false,
      });
    });
    const off = onStreamEvent((e) => {
      if (e.event === 'status.update') {
        setSt((cur) => ({
          ...cur,
          status: cur.status?.id === e.status.id ? e.status : cur.status,
          ancestors: replaceStatus(cur.ancestors, e.status),
          descendants: replaceStatus(cur.descendants, e.status),
        }));
      } else if (e.event === 'delete') {
        setSt((cur) => ({
          ...cur,
          deleted: cur.deleted || cur.status?.id === e.id,
          ancestors: cur.ancestors.filter((x) => x.id !== e.id),
          descendants: cur.descendants.filter((x) => x.id !== e.id),
        }));
      } else if (e.event === 'update' && e.status.in_reply_to_id !== null) {
        // A new reply to something in this thread joins the descendants.
        setSt((cur) => {
          const inThread = [cur.status, ...cur.descendants].some((x) => x?.id === e.status.in_reply_to_id);
          return inThread && !cur.descendants.some((x) => x.id === e.status.id)
            ? { ...cur, descendants: [...cur.descendants, e.status] }
            : cur;
        });
      }
    });
    return () => {
      alive = false;
      off();
    };
  }, [props.statusId]);

  const body = st.deleted ? (
    <div class="empty-column-indicator">This post has been deleted.</div>
  ) : !st.status ? (
    <LoadingOrError error={st.error} />
  ) : (
    <div class="scrollable item-list scrollable--flex">
      {threadItems(st.ancestors, st.status, true)}
      <DetailedStatus status={st.status} />
      {threadItems(st.descendants, st.status, false)}
    </div>
  );
  return (
    <Column title="Post" icon="reply">
      {body}
    </Column>
  );
}
