import { useCallback, useEffect, useRef, useState } from 'react';

export interface Query<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  updatedAt: number | null;
}

/**
 * Loads data with `load` whenever `deps` change; with `pollMs`, reloads on that interval while
 * the page is visible (used by the job view for live progress).
 */
export function useQuery<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Query<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback((background: boolean) => {
    const mine = ++generation.current;
    if (!background) setLoading(true);
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
        setUpdatedAt(Date.now());
      },
      (reason: unknown) => {
        if (mine !== generation.current) return;
        setError(reason);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    setData(undefined);
    run(false);
    if (!pollMs) return () => void generation.current++;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') run(true);
    }, pollMs);
    return () => {
      clearInterval(timer);
      generation.current++;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { data, error, loading, reload: () => run(false), updatedAt };
}
