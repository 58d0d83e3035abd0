// Loads the visit index of a server's database in the background at start and attaches it: until it
// is loaded, tracing runs the SQL interval join; once attached, every trace brings the venues it reads
// up to date with the database first (trace.index.ts), so it never answers from stale visits.
import type { Services } from '../services.ts';
import { attachVisitIndex, detachVisitIndex, loadVisitIndex } from './trace.index.ts';

/** Whether the visit index is loading, loaded or failed to load (`off`: never started here), for the health report. */
export interface VisitIndexState {
  status: 'off' | 'loading' | 'loaded' | 'failed';
  detail?: string;
}

const states = new WeakMap<object, VisitIndexState>();

export function visitIndexState(s: Pick<Services, 'db'>): VisitIndexState {
  return states.get(s.db) ?? { status: 'off' };
}

export function startVisitIndex(s: Services, options: { log?: (message: string) => void } = {}): () => void {
  const log = options.log ?? ((m: string) => console.error(m));
  let stopped = false;
  states.set(s.db, { status: 'loading' });
  loadVisitIndex(s.db, s.handle.sqlite).then(
    (index) => {
      if (stopped) return;
      attachVisitIndex(s.db, index);
      states.set(s.db, { status: 'loaded' });
      const st = index.stats();
      log(
        `visit index loaded in ${(st.loadMs / 1000).toFixed(1)} s: ${st.checkins} check-ins, ${st.venues} venues, ${Math.round(st.bytes / 1048576)} MB`,
      );
    },
    (err: unknown) => {
      states.set(s.db, { status: 'failed', detail: String(err) });
      log(`visit index not loaded (tracing uses the SQL join): ${String(err)}`);
    },
  );
  return () => {
    stopped = true;
    states.delete(s.db);
    detachVisitIndex(s.db);
  };
}
