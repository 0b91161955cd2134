// /home: the home timeline, virtualised.
import { useEffect } from 'preact/hooks';
import type { JSX } from 'preact';
import { onPosted } from '../compose/submit';
import { onStreamEvent } from '../streaming';
import { statusItem } from '../status/Status';
import { Column } from '../ui/Column';
import { ScrollableList } from './ScrollableList';
import { useStatusList } from './useStatusList';

export function HomeTimeline(): JSX.Element {
  const [list, prepend] = useStatusList('/api/v1/timelines/home', { acceptUpdate: true });
  // Own non-direct posts are inserted locally on submit; direct ones only arrive by streaming.
  useEffect(
    () =>
      onPosted((s) => {
        if (s.visibility !== 'direct') prepend(s);
      }),
    [prepend],
  );
  // fillHomeTimelineGaps on every (re)connect of the user stream.
  const { refresh } = list;
  useEffect(
    () =>
      onStreamEvent((e) => {
        if (e.event === 'connected' && e.stream === 'user') refresh();
      }),
    [refresh],
  );
  return (
    <Column title="Home" icon="home">
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
        emptyMessage="Your home timeline is empty!"
        items={list.items.map((s) => ({ id: s.id, render: (hidden) => statusItem(s, hidden) }))}
      />
    </Column>
  );
}
