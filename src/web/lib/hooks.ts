import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorText } from './api.js';

/**
 * GETs `path` and refreshes it every `intervalMs` while the page is visible, so lists and run pages
 * update without a reload; `reload()` refreshes at once (after an action).
 */
export function usePoll<T>(path: string | null, intervalMs = 1500): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const last = useRef('');
  useEffect(() => {
    setData(undefined);
    last.current = '';
  }, [path]);
  useEffect(() => {
    if (!path) return;
    const ctl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const d = await api<T>(path, { signal: ctl.signal });
        const text = JSON.stringify(d);
        // Unchanged answers keep the old object, so nothing re-renders needlessly.
        if (text !== last.current) (last.current = text), setData(d);
        setError(undefined);
      } catch (e) {
        if (!ctl.signal.aborted) setError(errorText(e));
      }
      if (!ctl.signal.aborted && intervalMs > 0) timer = setTimeout(() => (document.hidden ? (timer = setTimeout(load, intervalMs)) : void load()), intervalMs);
    };
    void load();
    return () => {
      ctl.abort();
      clearTimeout(timer);
    };
  }, [path, intervalMs, tick]);
  return { data, error, reload };
}

/** Re-renders every `ms` (for running durations). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** A user action (a button or form): `busy` while it runs, its failure as `error` text. */
export function useAction(): { busy: boolean; error: string | undefined; setError: (e: string | undefined) => void; perform: (fn: () => Promise<unknown>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const perform = useCallback(async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, perform };
}
