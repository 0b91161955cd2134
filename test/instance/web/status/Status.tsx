// One status as components/status.jsx renders it (4.3+ hierarchy), plus its "hidden" form that the
// virtualised list swaps in when the item is far off-screen.
import type { JSX } from 'preact';
import { generation } from '../app';
import { plainText } from '../html';
import type { Status as StatusT } from '../model';
import { navigate } from '../router';
import { Icon } from '../ui/Icon';
import { ActionBar } from './ActionBar';
import { useStore } from '../store';
import { expandedStore, toggleExpanded } from './expanded';
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
      <Icon id={VISIBILITY_ICON[props.visibility]} label={gen.visibilityShort[props.visibility]} labelAttr={gen.iconLabelAttr} />
    </span>
  );
}

export { ActionBar };

export function DisplayName(props: { status: StatusT; className: string }): JSX.Element {
  const a = props.status.account;
  return (
    <a href={`/@${a.acct}`} class={props.className} title={`@${a.acct}`} data-hover-card-account={a.id}>
      <div class="status__avatar"><div class="account__avatar" /></div>
      <span class="display-name">
        <bdi><strong class="display-name__html">{a.display_name || a.username}</strong></bdi>{' '}
        <span class="display-name__account">@{a.acct}</span>
      </span>
    </a>
  );
}

/** CW banner (4.3+ components/content_warning.tsx); content is not rendered until expanded. */
export function ContentWarning(props: { text: string; expanded: boolean; onToggle: () => void }): JSX.Element {
  return (
    <div class="content-warning">
      <p><span class="translate">{props.text}</span></p>
      <button type="button" class="link-button" onClick={props.onToggle}>{props.expanded ? 'Show less' : 'Show more'}</button>
    </div>
  );
}

export function Status(props: { status: StatusT; hidden?: boolean; prepend?: boolean }): JSX.Element {
  const s = props.status;
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
  const showPrepend = props.prepend !== false && s.visibility === 'direct';
  const wrapperCls = ['status__wrapper', `status__wrapper-${s.visibility}`, 'focusable'];
  if (reply) wrapperCls.push('status__wrapper-reply');
  const statusCls = ['status', `status-${s.visibility}`];
  if (reply) statusCls.push('status-reply');
  const label = `${s.account.display_name || s.account.username}, ${hasCw ? s.spoiler_text : plainText(s.content)}, ${s.created_at}, ${s.account.acct}`;
  const open = (): void => navigate(statusPath(s));
  return (
    <div class={wrapperCls.join(' ')} tabIndex={0} aria-label={label}>
      {showPrepend && (
        <div class="status__prepend">
          <div class="status__prepend__icon"><Icon id="at" /></div>
          <span>Private mention</span>
        </div>
      )}
      <div class={statusCls.join(' ')} data-id={s.id}>
        <div class="status__info">
          <a href={statusPath(s)} class="status__relative-time">
            <VisibilityIcon visibility={s.visibility} />
            <time dateTime={s.created_at} title={s.created_at}>{relativeTime(s.created_at)}</time>
            {s.edited_at !== null && <abbr title={`Edited ${s.edited_at}`}> *</abbr>}
          </a>
          <DisplayName status={s} className="status__display-name" />
        </div>
        {hasCw && <ContentWarning text={s.spoiler_text} expanded={expanded} onToggle={() => toggleExpanded(s.id)} />}
        {expanded && <StatusContent status={s} onClick={open} collapsible />}
        <ActionBar status={s} />
      </div>
    </div>
  );
}

/** A list item: keyed so that un-hiding builds brand-new nodes (never morphs the hidden ones). */
export function statusItem(s: StatusT, hidden: boolean): JSX.Element {
  return hidden
    ? <div key="hidden" tabIndex={-1}><Status status={s} hidden /></div>
    : <div key="visible" tabIndex={-1}><Status status={s} /></div>;
}
