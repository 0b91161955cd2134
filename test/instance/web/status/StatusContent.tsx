// div.status__content > div.status__content__text, with "Read more" collapsing (MAX_HEIGHT 706 px).
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { generation } from '../app';
import { contentElements, sanitizedHtml, updateStatusLinks } from '../html';
import type { Status } from '../model';
import { Icon } from '../ui/Icon';

const MAX_HEIGHT = 706;

export function StatusContent(props: { status: Status; onClick?: () => void; collapsible?: boolean }): JSX.Element {
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
  }, [status.content, status.mentions, props.collapsible, clickable, gen.contentRendering, gen.collapseOnOverflow, status.spoiler_text]);

  const onClick = (e: MouseEvent): void => {
    // Clicks on links and buttons keep their own meaning; elsewhere the content opens the thread.
    if (e.target instanceof Element && e.target.closest('a, button')) return;
    props.onClick?.();
  };
  const textClass = 'status__content__text status__content__text--visible translate';
  const text = gen.contentRendering === 'elements'
    ? <div class={textClass} lang="en" ref={textRef}>{contentElements(status.content, status.mentions)}</div>
    : <div class={textClass} lang="en" ref={textRef} dangerouslySetInnerHTML={{ __html: sanitizedHtml(status.content) }} />;
  const cls = ['status__content'];
  if (props.onClick) cls.push('status__content--with-action');
  if (collapsed) cls.push('status__content--collapsed');
  return (
    <>
      <div class={cls.join(' ')} ref={ref} onClick={onClick}>
        {text}
      </div>
      {collapsed && (
        <button type="button" class="status__content__read-more-button" onClick={() => props.onClick?.()}>
          Read more
          <Icon id="angle-right" />
        </button>
      )}
    </>
  );
}
