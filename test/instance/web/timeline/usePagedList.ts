// A paginated list (Link rel="next"), loaded on mount and extended by "load more"; the caller
// keeps it current from streaming through setItems.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { apiGet, describeError } from '../api';

export interface PagedList<T> {
  items: T[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  loadMore: () => void;
  /** Re-fetches the first page and puts unseen (newer) items on top (gap filling). */
  refresh: () => void;
  setItems: (f: (cur: T[]) => T[]) => void;
}

export function usePagedList<T>(path: string, parse: (v: unknown) => T[] | null, idOf: (t: T) => string): PagedList<T> {
  const [items, setItemsState] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const busy = useRef(false);
  const alive = useRef(true);

  const fetchPage = useCallback(
    async (url: string): Promise<void> => {
      busy.current = true;
      setLoading(true);
      const r = await apiGet(url, parse);
      busy.current = false;
      if (!alive.current) return;
      setLoading(false);
      if (!r.ok) {
        setError(describeError(r.error));
        return;
      }
      setNext(r.value.length > 0 ? r.next : null);
      // Merge by id: items may have streamed in while the page was loading.
      setItemsState((cur) => {
        const seen = new Set(cur.map(idOf));
        const fresh = r.value.filter((x) => !seen.has(idOf(x)));
        return [...cur, ...fresh];
      });
    },
    [parse, idOf],
  );

  useEffect(() => {
    alive.current = true;
    void fetchPage(path);
    return () => {
      alive.current = false;
    };
  }, [path, fetchPage]);

  const loadMore = useCallback(() => {
    if (next !== null && !busy.current) void fetchPage(next);
  }, [next, fetchPage]);

  const refresh = useCallback(() => {
    void apiGet(path, parse).then((r) => {
      if (!alive.current || !r.ok) return;
      setItemsState((cur) => {
        const seen = new Set(cur.map(idOf));
        return [...r.value.filter((x) => !seen.has(idOf(x))), ...cur];
      });
    });
  }, [path, parse, idOf]);

  return { items, loading, error, hasMore: next !== null, loadMore, refresh, setItems: setItemsState };
}
