import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  status: number | null;
  loading: boolean;
  reload(): Promise<void>;
}

/**
 * Loads whenever `key` changes (the key names what `load` reads, e.g. a group id); `reload` refetches without
 * clearing what is shown, so live updates do not flicker. Late answers of superseded requests are dropped.
 */
export function useResource<T>(load: () => Promise<T>, key: string): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const d = await loadRef.current();
      if (mine !== generation.current) return;
      setData(d);
      setError(null);
      setStatus(null);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(errorMessage(err));
      setStatus((err as { status?: number }).status ?? null);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const shownKey = useRef<string | null>(null);
  useEffect(() => {
    if (shownKey.current !== key) {
      shownKey.current = key;
      setLoading(true);
      setData(undefined);
    }
    void reload();
  }, [key, reload]);
  return { data, error, status, loading, reload };
}
