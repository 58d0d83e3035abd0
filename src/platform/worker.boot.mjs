// Entry of the check-in writer thread. A worker does not inherit loaders registered at run time
// (bin/cordon.js registers tsx that way), so it registers tsx itself before loading the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./checkin.worker.ts');
