// The service worker (web/public/sw.js) for the pages that must open again after a reload without
// network (the door guard's, the sampler's): registered by those pages, it keeps the app shell and the
// last good answer of the few API reads they need. Once the worker controls the page, those reads are
// made once through it so it remembers them; then <html data-offline-ready="1"> (tests wait for it).
import { useEffect } from 'react';

/** Reads every offline page needs: who is signed in. */
const ALWAYS = ['/api/v1/auth/session'];

export function useOfflineShell(reads: readonly string[]): void {
  const key = reads.join('\n');
  useEffect(() => {
    if (!('serviceWorker' in navigator)) return;
    const sw = navigator.serviceWorker;
    let stopped = false;
    void (async () => {
      await sw.register('/sw.js');
      await sw.ready;
      if (!sw.controller)
        await new Promise((resolve) => sw.addEventListener('controllerchange', resolve, { once: true }));
      if (stopped || !navigator.onLine) return;
      await Promise.all(
        [...new Set([...ALWAYS, ...key.split('\n')])].map((u) => fetch(u, { credentials: 'same-origin' })),
      );
      if (!stopped) document.documentElement.dataset.offlineReady = '1';
    })().catch(() => {});
    return () => {
      stopped = true;
    };
  }, [key]);
}
