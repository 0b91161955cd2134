// A paginated list of statuses kept current from the stream: new items are prepended (when
// `acceptUpdate`), status.update replaces in place, delete removes.
import { useCallback, useEffect } from 'preact/hooks';
import { parseList, parseStatus, type Status } from '../model';
import { onStreamEvent } from '../streaming';
import { usePagedList, type PagedList } from './usePagedList';

export function replaceStatus(list: Status[], s: Status): Status[] {
  return list.map((x) => (x.id === s.id ? s : x));
}

const parseStatuses = (v: unknown): Status[] | null => parseList(v, parseStatus);
const statusId = (s: Status): string => s.id;

export function useStatusList(path: string, opts: { acceptUpdate: boolean }): [PagedList<Status>, (s: Status) => void] {
  const list = usePagedList(path, parseStatuses, statusId);
  const { setItems } = list;
  const prepend = useCallback(
    (s: Status): void => {
      setItems((cur) => (cur.some((x) => x.id === s.id) ? cur : [s, ...cur]));
    },
    [setItems],
  );
  useEffect(
    () =>
      onStreamEvent((e) => {
        if (e.event === 'update' && opts.acceptUpdate) prepend(e.status);
        else if (e.event === 'status.update') setItems((cur) => replaceStatus(cur, e.status));
        else if (e.event === 'delete') setItems((cur) => cur.filter((x) => x.id !== e.id));
      }),
    [opts.acceptUpdate, prepend, setItems],
  );
  return [list, prepend];
}
