// Entry of Cordon's worker threads (src/platform/workers.ts). A worker does not inherit loaders
// registered at run time (bin/cordon.js registers tsx that way), so it registers tsx itself before
// loading the TypeScript module named in its workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
