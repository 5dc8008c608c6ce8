/**
 * @module console/use-poll
 * Calls `load` now and every `intervalMs` while the component is shown, keeping the last answer
 * and the last error; a slow answer never overlaps the next call.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): { data: T | null; error: ApiError | null } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setData(null);
    const tick = async () => {
      try {
        const value = await loadRef.current();
        if (stopped) return;
        setData(value);
        setError(null);
      } catch (e) {
        if (stopped) return;
        setError(e instanceof ApiError ? e : new ApiError(0, { code: 'XX000', message: String(e) }));
      }
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  return { data, error };
}
