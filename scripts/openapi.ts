// The served OpenAPI document, kept in the repository as docs/openapi.json.
//   npm run openapi            write docs/openapi.json from what the app serves
//   npm run openapi -- --check exit 1 when docs/openapi.json differs from it
// The app is built the way the tests build it: an in-memory SQLite database, throwaway keys, a fixed clock,
// an empty environment — so the document depends on the routes and their schemas alone. Object keys are
// written sorted (arrays keep their order), so the file does not change with the order routes register in.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config.ts';
import { connect, migrateToLatest } from '../src/db/connect.ts';
import { createServices } from '../src/services.ts';
import { FakeClock } from '../src/platform/clock.ts';
import { generateKeys } from '../src/platform/crypto.ts';
import { LogSmsSender } from '../src/platform/sms.ts';
import { build } from '../src/app.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** Key-sorted copy of a JSON value; arrays keep their order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The document the app serves at /api/v1/openapi.json, as the text committed in docs/openapi.json. */
export async function openapiText(): Promise<string> {
  const handle = connect({ sqlitePath: ':memory:' });
  await migrateToLatest(handle);
  const config = loadConfig({}, { dataDir: '/nonexistent-cordon-openapi-dir' });
  const s = await createServices(config, {
    handle, clock: new FakeClock(), keys: generateKeys(), skipMigrations: true, sms: new LogSmsSender(),
  });
  try {
    const app = await build(s, { serveWeb: false });
    try {
      const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      if (res.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.statusCode}`);
      // JSON.parse of the served text (not app.swagger() itself) drops what JSON cannot carry, as a client sees it.
      return `${JSON.stringify(sortKeys(JSON.parse(res.body)), null, 2)}\n`;
    } finally {
      await app.close();
    }
  } finally {
    await s.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const text = await openapiText();
  if (process.argv.includes('--check')) {
    const committed = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '';
    if (committed !== text) {
      console.error('docs/openapi.json differs from the document the app serves: run npm run openapi');
      process.exit(1);
    }
    console.log('docs/openapi.json is current');
  } else {
    fs.writeFileSync(OPENAPI_FILE, text);
    console.log(`wrote docs/openapi.json (${Object.keys((JSON.parse(text) as { paths: object }).paths).length} paths)`);
  }
}
