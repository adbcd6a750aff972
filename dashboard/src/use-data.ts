/**
 * @module dashboard/use-data
 * Loads data for a view and reloads when its inputs change. `loading` is true from the very
 * render in which the inputs change until their own answer arrives — an answer for older inputs
 * is dropped, so fast filter changes never show stale figures, and a view marked as loaded
 * (`data-loading="false"`) always shows the figures of its current filters.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from './api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
}

export function useData<T>(load: () => Promise<T>, inputs: unknown[]): Loaded<T> {
  const key = JSON.stringify(inputs);
  const [state, setState] = useState<{ key: string | undefined; data: T | undefined; error: Error | undefined }>({ key: undefined, data: undefined, error: undefined });
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ key, data, error: undefined }),
      (error: Error) => current && setState({ key, data: undefined, error }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const loading = state.key !== key;
  return { data: state.data, error: loading ? undefined : state.error, loading };
}
