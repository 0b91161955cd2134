// One status as components/status.jsx renders it (4.3+ hierarchy), plus its "hidden" form that the
// virtualised list swaps in when the item is far off-screen.
import type { JSX } from 'preact';
import { useId, useRef } from 'preact/hooks';
import { generation } from '../app';
import { plainText } from '../html';
import type { Status as StatusT } from '../model';
import { navigate } from '../router';
import { Icon } from '../ui/Icon';
import { ActionBar } from './ActionBar';
import { useStore } from '../store';
import { expandedStore, toggleExpanded } from './expanded';
import { StatusMedia } from './Media';
import { StatusContent } from './StatusContent';
import { relativeTime } from './time';

const VISIBILITY_ICON = { public: 'globe', unlisted: 'unlock', private: 'lock', direct: 'at' } as const;

export function statusPath(s: StatusT): string {
  return `/@${s.account.acct}/${s.id}`;
}

export function VisibilityIcon(props: { visibility: StatusT['visibility'] }): JSX.Element {
  const gen = generation();
  return (
    <span class="status__visibility-icon">
      <Icon
        id={VISIBILITY_ICON[props.visibility]}
        label={gen.visibilityShort[props.visibility]}
        labelAttr={gen.iconLabelAttr}
      />
    </span>
  );
}

export { ActionBar };

export function DisplayName(props: { status: StatusT; className: string }): JSX.Element {
  const a = props.status.account;
  return (
    <a href={`/@${a.acct}`} class={props.className} title={`@${a.acct}`} data-hover-card-account={a.id}>
      <div class="status__avatar">
        <div class="account__avatar" />
      </div>
      <span class="display-name">
        <bdi>
          <strong class="display-name__html">{a.display_name || a.username}</strong>
        </bdi>{' '}
        <span class="display-name__account">@{a.acct}</span>
      </span>
    </a>
  );
}

/**
 * CW banner (components/content_warning.tsx + status_banner.tsx); content is not rendered until
 * expanded. 4.4+: `p[id] > span`, a click anywhere on the banner is forwarded to its button and
 * its mouseup does not reach the status (no thread opening); 4.3: `p` and "Show anyway".
 */
export function ContentWarning(props: { text: string; expanded: boolean; onToggle: () => void }): JSX.Element {
  const gen = generation();
  const button = useRef<HTMLButtonElement>(null);
  const descriptionId = useId();
  if (!gen.cwBannerForwardsClicks) {
    return (
      <div class="content-warning">
        <p>{props.text}</p>
        <button type="button" class="link-button" onClick={props.onToggle}>
          {props.expanded ? 'Hide post' : 'Show anyway'}
        </button>
      </div>
    );
  }
  const forward = (e: MouseEvent): void => {
    const b = button.current;
    if (b && e.target instanceof Node && e.target !== b && !b.contains(e.target)) {
      b.click();
      b.focus();
    }
  };
  return (
    <div class="content-warning" onClick={forward} onMouseUp={(e) => e.stopPropagation()}>
      <p id={descriptionId}>
        <span>{props.text}</span>
      </p>
      <button ref={button} type="button" class="link-button" onClick={props.onToggle} aria-describedby={descriptionId}>
        {props.expanded ? 'Hide post' : 'Show more'}
      </button>
    </div>
  );
}

/** Where a status sits in a thread (features/status renderChildren: previousId, nextId, rootId). */
export interface ThreadPosition {
  previousId?: string;
  nextInReplyToId?: string;
  rootId: string;
}

/** Opens a status as status.jsx's handleClick does: a plain left click navigates, middle or Ctrl/Cmd opens a tab. */
export function openStatusFrom(s: StatusT, e?: MouseEvent): void {
  if (e && (e.button === 1 || (e.button === 0 && (e.ctrlKey || e.metaKey)))) {
    window.open(statusPath(s), '_blank', 'noopener');
    return;
  }
  if (e && e.button !== 0) return;
  navigate(statusPath(s));
}

/** components/status_quoted.tsx (4.4+): the quoted post, or "Post unavailable". */
export function QuotedStatus(props: { quote: { status: StatusT | null } }): JSX.Element {
  const q = props.quote.status;
  return q === null ? (
    <div class="status__quote status__quote--error">Post unavailable</div>
  ) : (
    <div class="status__quote">
      <Status status={q} prepend={false} quoted />
    </div>
  );
}

export function Status(props: {
  status: StatusT;
  hidden?: boolean;
  prepend?: boolean;
  thread?: ThreadPosition;
  quoted?: boolean;
}): JSX.Element {
  const s = props.status;
  const gen = generation();
  const expandedIds = useStore(expandedStore);
  const hasCw = s.spoiler_text.length > 0;
  const expanded = !hasCw || expandedIds.has(s.id);
  if (props.hidden) {
    // Mastodon's `hidden` rendering: bare wrapper of spans, the raw content HTML as text (only
    // when not behind a closed CW); fresh nodes are built when the item comes back.
    return (
      <div class="status__wrapper focusable" tabIndex={0}>
        <span>{s.account.display_name || s.account.username}</span>
        {hasCw && <span>{s.spoiler_text}</span>}
        {expanded && <span>{s.content}</span>}
      </div>
    );
  }
  const reply = s.in_reply_to_id !== null;
  const t = props.thread;
  const connectUp = t?.previousId !== undefined && t.previousId === s.in_reply_to_id;
  const connectToRoot = t !== undefined && t.rootId === s.in_reply_to_id;
  const connectReply = t?.nextInReplyToId !== undefined && t.nextInReplyToId === s.id;
  const showPrepend = props.prepend !== false && s.visibility === 'direct';
  const wrapperCls = ['status__wrapper', `status__wrapper-${s.visibility}`];
  if (reply) wrapperCls.push('status__wrapper-reply');
  if (t && gen.wrapperInThread) wrapperCls.push('status__wrapper--in-thread');
  wrapperCls.push('focusable');
  const statusCls = ['status', `status-${s.visibility}`];
  if (reply) statusCls.push('status-reply');
  if (t) statusCls.push('status--in-thread');
  if (t?.previousId !== undefined && (!connectUp || connectToRoot)) statusCls.push('status--first-in-thread');
  const quote = gen.minor >= 4 && !props.quoted ? s.quote : null;
  if (props.quoted) statusCls.push('status--is-quote');
  if (quote) statusCls.push('status--has-quote');
  const label = `${s.account.display_name || s.account.username}, ${hasCw ? s.spoiler_text : plainText(s.content)}, ${s.created_at}, ${s.account.acct}`;
  // header.tsx: only a click on the empty space of .status__info (or a keyboard "click") opens it.
  const onHeaderClick = (e: MouseEvent): void => {
    if (e.target !== e.currentTarget && e.detail >= 1) return;
    e.preventDefault();
    openStatusFrom(s, e);
  };
  const time = (
    <a href={statusPath(s)} class="status__relative-time">
      <VisibilityIcon visibility={s.visibility} />
      <time dateTime={s.created_at} title={s.created_at}>
        {relativeTime(s.created_at)}
      </time>
      {s.edited_at !== null && <abbr title={`Edited ${s.edited_at}`}> *</abbr>}
    </a>
  );
  const name = <DisplayName status={s} className="status__display-name" />;
  return (
    <div class={wrapperCls.join(' ')} tabIndex={0} aria-label={label}>
      {showPrepend && (
        <div class="status__prepend">
          <div class="status__prepend__icon">
            <Icon id="at" />
          </div>
          <span>Private mention</span>
        </div>
      )}
      <div class={statusCls.join(' ')} data-id={s.id}>
        {(connectReply || connectUp || connectToRoot) && (
          <div
            class={`status__line${connectReply ? ' status__line--full' : ''}${!reply && !connectToRoot ? ' status__line--first' : ''}`}
          />
        )}
        <div class="status__info" onClick={onHeaderClick} onAuxClick={onHeaderClick}>
          {gen.headerNameFirst ? (
            <>
              {name}
              {time}
            </>
          ) : (
            <>
              {time}
              {name}
            </>
          )}
        </div>
        {hasCw && <ContentWarning text={s.spoiler_text} expanded={expanded} onToggle={() => toggleExpanded(s.id)} />}
        {expanded && (
          <>
            <StatusContent status={s} onClick={(e) => openStatusFrom(s, e)} collapsible />
            <StatusMedia status={s} />
            {quote && <QuotedStatus quote={quote} />}
          </>
        )}
        {!props.quoted && <ActionBar status={s} />}
      </div>
    </div>
  );
}

/** A list item: keyed so that un-hiding builds brand-new nodes (never morphs the hidden ones). */
export function statusItem(s: StatusT, hidden: boolean): JSX.Element {
  return hidden ? (
    <div key="hidden" tabIndex={-1}>
      <Status status={s} hidden />
    </div>
  ) : (
    <div key="visible" tabIndex={-1}>
      <Status status={s} />
    </div>
  );
}
