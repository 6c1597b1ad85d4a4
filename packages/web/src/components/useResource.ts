import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { NewestLoad } from './newest-load';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  status: number | null;
  loading: boolean;
  reload(): Promise<void>;
}

/**
 * Loads whenever `key` changes (the key names what `load` reads, e.g. a group id); `reload` refetches without
 * clearing what is shown, so live updates do not flicker. Late answers of superseded requests are dropped,
 * and `reload` settles once the newest load has been applied (./newest-load.ts).
 */
export function useResource<T>(load: () => Promise<T>, key: string): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<number | null>(null);
  const [loading, setLoading] = useState(true);
  const loads = useRef(new NewestLoad());
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(
    () =>
      loads.current.run(
        () => loadRef.current(),
        (outcome) => {
          if (outcome.ok) {
            setData(outcome.value);
            setError(null);
            setStatus(null);
          } else {
            setError(errorMessage(outcome.error));
            setStatus((outcome.error as { status?: number }).status ?? null);
          }
          setLoading(false);
        },
      ),
    [],
  );

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
