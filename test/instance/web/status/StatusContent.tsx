// div.status__content > div.status__content__text, with "Read more" collapsing (MAX_HEIGHT 706 px).
// With an action (timelines, the DM column), the thread opens as status_content.jsx does it: on
// mouseup, when the pointer moved less than 5 px since mousedown (a text selection is not a
// click), with the left or middle button, and not on a link, button or label. The focused status
// of a thread has no action.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { generation } from '../app';
import { contentElements, sanitizedHtml, updateStatusLinks } from '../html';
import type { Status } from '../model';
import { Icon } from '../ui/Icon';

const MAX_HEIGHT = 706;

export function StatusContent(props: {
  status: Status;
  onClick?: (e?: MouseEvent) => void;
  collapsible?: boolean;
}): JSX.Element {
  const { status } = props;
  const gen = generation();
  const ref = useRef<HTMLDivElement>(null);
  const textRef = useRef<HTMLDivElement>(null);
  const [collapsed, setCollapsed] = useState(false);

  // Decided once per content (Mastodon stores `collapsed` on the status): re-measuring an already
  // collapsed node would see its clamped height and un-collapse it.
  const decidedFor = useRef<string | null>(null);
  const clickable = props.onClick !== undefined;
  useLayoutEffect(() => {
    if (gen.contentRendering === 'inner-html' && textRef.current) updateStatusLinks(textRef.current, status.mentions);
    const node = ref.current;
    if (!node || !props.collapsible || !clickable || decidedFor.current === status.content) return;
    decidedFor.current = status.content;
    const text = textRef.current;
    const overflows = gen.collapseOnOverflow && text !== null && text.scrollWidth > text.clientWidth;
    // scrollHeight: the full height even when an earlier decision already clamped the node.
    setCollapsed((node.scrollHeight > MAX_HEIGHT || overflows) && status.spoiler_text.length === 0);
  }, [
    status.content,
    status.mentions,
    props.collapsible,
    clickable,
    gen.contentRendering,
    gen.collapseOnOverflow,
    status.spoiler_text,
  ]);

  const startXY = useRef<[number, number] | null>(null);
  const onMouseDown = (e: MouseEvent): void => {
    startXY.current = [e.clientX, e.clientY];
  };
  const onMouseUp = (e: MouseEvent): void => {
    const start = startXY.current;
    if (!start) return;
    const delta = Math.abs(e.clientX - start[0]) + Math.abs(e.clientY - start[1]);
    for (let el: Node | null = e.target instanceof Node ? e.target : null; el; el = el.parentNode) {
      if (el instanceof Element && (el.localName === 'button' || el.localName === 'a' || el.localName === 'label'))
        return;
    }
    if (delta < 5 && (e.button === 0 || e.button === 1) && e.detail >= 1) props.onClick?.(e);
    startXY.current = null;
  };
  const textClass = 'status__content__text status__content__text--visible translate';
  const text =
    gen.contentRendering === 'elements' ? (
      <div class={textClass} lang="en" ref={textRef}>
        {contentElements(status.content, status.mentions)}
      </div>
    ) : (
      <div
        class={textClass}
        lang="en"
        ref={textRef}
        dangerouslySetInnerHTML={{ __html: sanitizedHtml(status.content) }}
      />
    );
  // components/poll.tsx, rendered by StatusContent after the text (so also in a DM-column entry).
  const poll = status.poll && (
    <div class="poll">
      <ul>
        {status.poll.options.map((title, i) => (
          <li key={i}>
            <label class="poll__option selectable">
              <input type="radio" name={`poll-${status.id}`} value={i} />
              <span class="poll__input" />
              <span class="poll__option__text translate">{title}</span>
            </label>
          </li>
        ))}
      </ul>
      <div class="poll__footer">
        <button type="button" class="button button-secondary" disabled>
          Vote
        </button>
      </div>
    </div>
  );
  const cls = ['status__content'];
  if (props.onClick) cls.push('status__content--with-action');
  if (collapsed) cls.push('status__content--collapsed');
  return (
    <>
      {clickable ? (
        <div class={cls.join(' ')} ref={ref} onMouseDown={onMouseDown} onMouseUp={onMouseUp}>
          {text}
          {poll}
        </div>
      ) : (
        <div class={cls.join(' ')} ref={ref}>
          {text}
          {poll}
        </div>
      )}
      {collapsed && (
        <button type="button" class="status__content__read-more-button" onClick={(e) => props.onClick?.(e)}>
          Read more
          <Icon id="angle-right" />
        </button>
      )}
    </>
  );
}
