// div.status__action-bar: reply, boost, favourite and the "…" menu (edit / delete own posts).
import { createPortal } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { apiRequest } from '../api';
import { bootState } from '../app';
import { editStatus, mentionCompose, replyTo } from '../compose/state';
import type { Status } from '../model';
import { Icon } from '../ui/Icon';

interface MenuItem {
  text: string;
  action: () => void;
}

/** components/dropdown_menu: an overlay list portalled to body, closed by outside click / Escape. */
function DropdownMenu(props: { anchor: HTMLElement; items: MenuItem[]; onClose: () => void }): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const { onClose, anchor } = props;
  useEffect(() => {
    const outside = (e: MouseEvent): void => {
      if (e.target instanceof Node && !ref.current?.contains(e.target) && !anchor.contains(e.target)) onClose();
    };
    const esc = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('click', outside, true);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('click', outside, true);
      document.removeEventListener('keydown', esc);
    };
  }, [onClose, anchor]);
  const r = anchor.getBoundingClientRect();
  return createPortal(
    <div
      ref={ref}
      class="dropdown-menu"
      role="menu"
      style={{ position: 'fixed', top: `${r.bottom}px`, left: `${r.left}px`, zIndex: '100' }}
    >
      <div class="dropdown-menu__container">
        <ul class="dropdown-menu__container__list">
          {props.items.map((item) => (
            <li key={item.text} class="dropdown-menu__item">
              <a
                href="#"
                role="button"
                tabIndex={0}
                onClick={(e) => {
                  e.preventDefault();
                  onClose();
                  item.action();
                }}
              >
                {item.text}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>,
    document.body,
  );
}

/**
 * `compact`: the DM-column variant (conversation.jsx uses status__action-bar-button classes).
 * `detailed`: the focused status of a thread, whose bar is features/status/components/action_bar
 * (div.detailed-status__action-bar > div.detailed-status__button > button), a sibling of .detailed-status.
 */
export function ActionBar(props: { status: Status; compact?: boolean; detailed?: boolean }): JSX.Element {
  const s = props.status;
  const [menuOpen, setMenuOpen] = useState(false);
  const more = useRef<HTMLButtonElement>(null);
  const own = s.account.id === bootState().me;
  const noBoost = s.visibility === 'direct' || s.visibility === 'private';
  const items: MenuItem[] = own
    ? [
        { text: 'Edit', action: () => void editStatus(s) },
        { text: 'Delete', action: () => void apiRequest('DELETE', `/api/v1/statuses/${encodeURIComponent(s.id)}`) },
      ]
    : [{ text: `Mention @${s.account.acct}`, action: () => mentionCompose(s.account.acct) }];
  const compact = props.compact === true;
  const detailed = props.detailed === true;
  const btn = (icon: string, title: string, onClick?: () => void, disabled = false): JSX.Element => {
    const button = (
      <button
        type="button"
        class={`${detailed ? '' : compact ? 'status__action-bar-button ' : 'status__action-bar__button '}icon-button`}
        title={title}
        aria-label={title}
        disabled={disabled}
        onClick={onClick}
      >
        <Icon id={icon} />
      </button>
    );
    if (detailed) return <div class="detailed-status__button">{button}</div>;
    return compact ? button : <div class="status__action-bar__button-wrapper">{button}</div>;
  };
  return (
    <div class={detailed ? 'detailed-status__action-bar' : 'status__action-bar'}>
      {btn('reply', 'Reply', () => replyTo(s))}
      {!compact && btn('retweet', noBoost ? 'This post cannot be boosted' : 'Boost', undefined, noBoost)}
      {!compact && btn('star', 'Favorite')}
      <div
        class={
          detailed
            ? 'detailed-status__action-bar-dropdown'
            : compact
              ? 'status__action-bar-dropdown'
              : 'status__action-bar__dropdown'
        }
      >
        <button
          ref={more}
          type="button"
          class="icon-button"
          title="More"
          aria-label="More"
          aria-expanded={menuOpen}
          onClick={() => setMenuOpen(!menuOpen)}
        >
          <Icon id="ellipsis" />
        </button>
      </div>
      {menuOpen && more.current && (
        <DropdownMenu anchor={more.current} items={items} onClose={() => setMenuOpen(false)} />
      )}
    </div>
  );
}
