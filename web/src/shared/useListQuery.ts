// A paged list's filters and page. A filter that changes sends the list back to its first page.
import { useCallback, useEffect, useState } from 'react';

export interface ListQuery<F> {
  filters: F;
  offset: number;
  setOffset: (offset: number) => void;
  /** Sets one filter; when its value changes, the list goes back to its first page. */
  setFilter: <K extends keyof F>(key: K, value: F[K]) => void;
}

export function useListQuery<F extends object>(initial: F): ListQuery<F> {
  const [state, setState] = useState({ filters: initial, offset: 0 });
  const setOffset = useCallback((offset: number) => setState((s) => ({ ...s, offset })), []);
  const setFilter = useCallback(<K extends keyof F>(key: K, value: F[K]) => {
    setState((s) => (Object.is(s.filters[key], value) ? s : { filters: { ...s.filters, [key]: value }, offset: 0 }));
  }, []);
  return { filters: state.filters, offset: state.offset, setOffset, setFilter };
}

/** The value once it has stayed the same for `ms` milliseconds (a search box asks as the typing pauses). */
export function useDebounced<T>(value: T, ms = 250): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
