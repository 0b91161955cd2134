// Loads a list of statuses and keeps it current from the stream: new items are prepended,
// status.update replaces in place, delete removes.
import { useEffect, useState } from 'preact/hooks';
import { apiGet, describeError } from '../api';
import { parseList, parseStatus, type Status } from '../model';
import { onStreamEvent } from '../streaming';

export interface StatusListState { statuses: Status[]; loading: boolean; error: string | null }

export function replaceStatus(list: Status[], s: Status): Status[] {
  return list.map((x) => (x.id === s.id ? s : x));
}

export function useStatusList(path: string, opts: { acceptUpdate: boolean }): [StatusListState, (s: Status) => void] {
  const [state, setState] = useState<StatusListState>({ statuses: [], loading: true, error: null });
  const prepend = (s: Status): void => setState((st) => (
    st.statuses.some((x) => x.id === s.id) ? st : { ...st, statuses: [s, ...st.statuses] }
  ));
  useEffect(() => {
    let alive = true;
    void apiGet(path, (v) => parseList(v, parseStatus)).then((r) => {
      if (!alive) return;
      setState((st) => {
        if (!r.ok) return { ...st, loading: false, error: describeError(r.error) };
        // Keep items that streamed in while loading.
        const ids = new Set(r.value.map((x) => x.id));
        return { statuses: [...st.statuses.filter((x) => !ids.has(x.id)), ...r.value], loading: false, error: null };
      });
    });
    const off = onStreamEvent((e) => {
      if (e.event === 'update' && opts.acceptUpdate) prepend(e.status);
      else if (e.event === 'status.update') setState((st) => ({ ...st, statuses: replaceStatus(st.statuses, e.status) }));
      else if (e.event === 'delete') setState((st) => ({ ...st, statuses: st.statuses.filter((x) => x.id !== e.id) }));
    });
    return () => {
      alive = false;
      off();
    };
  }, [path, opts.acceptUpdate]);
  return [state, prepend];
}
