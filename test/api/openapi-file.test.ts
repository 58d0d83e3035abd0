// docs/openapi.json is the API's reference: it must be what the app serves. When this fails, run `npm run openapi`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { OPENAPI_FILE, openapiText } from '../../scripts/openapi.ts';

type Doc = { paths?: Record<string, Record<string, unknown>> };

function operations(doc: Doc): Set<string> {
  return new Set(
    Object.entries(doc.paths ?? {}).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)),
  );
}

test('docs/openapi.json is the document the app serves (run npm run openapi)', async () => {
  const served = await openapiText();
  assert.ok(fs.existsSync(OPENAPI_FILE), 'docs/openapi.json is missing: run npm run openapi');
  const committed = fs.readFileSync(OPENAPI_FILE, 'utf8');
  if (committed === served) return;
  // Say what differs before failing, so the fix is plain.
  const [had, has] = [operations(JSON.parse(committed) as Doc), operations(JSON.parse(served) as Doc)];
  const added = [...has].filter((o) => !had.has(o));
  const removed = [...had].filter((o) => !has.has(o));
  const changed = Object.keys((JSON.parse(served) as Doc).paths ?? {}).filter((p) => {
    const a = (JSON.parse(committed) as Doc).paths?.[p];
    const b = (JSON.parse(served) as Doc).paths?.[p];
    return a && JSON.stringify(a) !== JSON.stringify(b);
  });
  assert.fail(
    'docs/openapi.json differs from the document the app serves: run npm run openapi and commit the file.\n' +
      `  routes added: ${added.join(', ') || 'none'}\n  routes removed: ${removed.join(', ') || 'none'}\n` +
      `  paths changed: ${changed.join(', ') || 'none (formatting or shared parts)'}`,
  );
});
