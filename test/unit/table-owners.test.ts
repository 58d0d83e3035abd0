// Each table has one owner (docs/ARCHITECTURE.md, "Who owns which table"): only the owning domain's files
// build SQL on it; another domain asks through the owner's exported store or service functions. This test
// reads every file of src/ with the TypeScript parser and finds the tables each one names in SQL — Kysely's
// selectFrom / insertInto / updateTable / deleteFrom / replaceInto / mergeInto and its joins (inside `with`
// bodies and subqueries too), sql.table(), and the text of raw SQL (sql`` templates, sql.raw() and plain
// strings that begin as a statement: better-sqlite3's prepared statements). A file that reads a table of
// another domain fails unless the (file, table) pair is in ALLOWED below with its reason; a write to another
// domain's table always fails. An ALLOWED pair that the file no longer reads fails too, so the list only shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { Database } from '../../src/db/database.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Each table's owning domain(s): the folder of src/ whose files may build SQL on it. */
const OWNERS: Record<keyof Database, readonly string[]> = {
  area: ['registry'],
  building: ['registry'],
  household: ['registry'],
  person: ['registry'],
  // Residents create and read their own accounts (role 'resident') beside access's staff accounts.
  app_user: ['access', 'residents'],
  session: ['access'],
  api_token: ['access'],
  login_failure: ['access'],
  resident_challenge: ['residents'],
  // The chain is written by platform/audit.ts and its anchors, and read (listed, exported) by audit.
  audit_event: ['platform', 'audit'],
  audit_head: ['platform', 'audit'],
  setting: ['rules'],
  venue: ['venues'],
  checkin: ['venues'],
  checkin_purge: ['venues'],
  case_record: ['tracing'],
  case_status_history: ['tracing'],
  contact: ['tracing'],
  call_task: ['notify'],
  call_attempt: ['notify'],
  risk_area: ['riskareas'],
  risk_area_history: ['riskareas'],
  risk_area_exposure: ['riskareas'],
  testing_round: ['testing'],
  testing_round_area: ['testing'],
  testing_site: ['testing'],
  testing_table: ['testing'],
  testing_staff: ['testing'],
  testing_tube: ['testing'],
  testing_tube_member: ['testing'],
  testing_box: ['testing'],
  testing_custody: ['testing'],
  testing_lab_upload: ['testing'],
  testing_result: ['testing'],
  testing_pool: ['testing'],
  testing_notification: ['testing'],
  testing_task: ['testing'],
  testing_visit: ['testing'],
  testing_sync_op: ['testing'],
  health_fact: ['health'],
  health_test: ['health'],
  health_status: ['health'],
  health_colour_history: ['health'],
  health_override: ['health'],
  health_appeal: ['health'],
  health_approval: ['health'],
  quarantine_site: ['quarantine'],
  quarantine_room: ['quarantine'],
  quarantine_staff: ['quarantine'],
  hospital: ['quarantine'],
  quarantine_order: ['quarantine'],
  quarantine_order_event: ['quarantine'],
  quarantine_stay: ['quarantine'],
  quarantine_transfer: ['quarantine'],
  quarantine_check: ['quarantine'],
  quarantine_alert: ['quarantine'],
  quarantine_request: ['quarantine'],
  quarantine_breach: ['quarantine'],
  quarantine_home_service: ['quarantine'],
  quarantine_disinfection: ['quarantine'],
  quarantine_waste: ['quarantine'],
  quarantine_staff_check: ['quarantine'],
  enterprise: ['logistics'],
  logistics_account: ['logistics'],
  vehicle: ['logistics'],
  driver: ['logistics'],
  vehicle_pass: ['logistics'],
  vehicle_pass_serial: ['logistics'],
  warehouse: ['logistics'],
  stock_level: ['logistics'],
  stock_movement: ['logistics'],
  stock_alert: ['logistics'],
  transfer_station: ['logistics'],
  checkpoint: ['logistics'],
  trip: ['logistics'],
  checkpoint_check: ['logistics'],
  checkpoint_person_check: ['logistics'],
  station_visit: ['logistics'],
  station_visit_step: ['logistics'],
  volunteer: ['volunteers'],
  volunteer_need: ['volunteers'],
  volunteer_booking: ['volunteers'],
  job_lease: ['platform'],
  decision_projection: ['decision'],
  command_alert: ['command'],
};

/** Files and folders of src/ outside the rule, each with its reason (a folder ends with '/'). */
const EXEMPT: Record<string, string> = {
  'src/sim/':
    "the demo loader writes every domain's tables in bulk (a city of 100,000 people in minutes), not a use case",
  'src/db/sql.ts': 'the shared readers of the area tree (areaById, areasByIds, areasUnder…) every domain uses',
  'src/db/migrations/': 'the migrations create and change every table',
};

/**
 * Reads of another domain's table, each with the reason the owner's function is not asked instead.
 * Keyed 'file table'. Writes are never listed: they always fail.
 */
const ALLOWED: Record<string, string> = {
  'src/access/access.store.ts area':
    "the account list is filtered to the actor's subtree by the area's path in the query, before the page",
  'src/health/health.store.ts area':
    "the colour counts of a subtree filter people by their area's path in one grouped query",
  'src/health/health.store.ts person':
    'the colour counts of a subtree join health_status to the people of the subtree in one grouped query',
  'src/notify/notify.store.ts area':
    'the grid and building facets group and order the filtered tasks by area in one query',
  'src/notify/notify.store.ts building':
    'the call list filters by building and sorts by its name; the building facets group by it',
  'src/notify/notify.store.ts contact':
    "the call list filters and sorts by the contact's exposure time in the query, before the page",
  'src/notify/notify.store.ts household':
    'the call list sorts by address (building, unit, door) in the query, before the page',
  'src/notify/notify.store.ts person':
    "the call list filters and sorts by the person's name in the query, before the page",
  'src/residents/residents.store.ts area':
    'the demo resident is looked for in an area subtree, by path, in the same query',
  'src/residents/residents.store.ts person':
    'the demo resident (first start) is the first household head of a subtree without an account: one query over people and accounts',
  'src/riskareas/riskareas.store.ts area':
    "a unit's residents and venues are found by area path in the same set-based statements",
  'src/riskareas/riskareas.store.ts building':
    "the designation list is filtered by the building's compound and name in the query, before the page",
  'src/riskareas/riskareas.store.ts case_record':
    "the downgrade rules' latest case among the unit's residents is one max() over cases, their people and their homes",
  'src/riskareas/riskareas.store.ts case_status_history': 'the same max() reads when each case was confirmed',
  'src/riskareas/riskareas.store.ts checkin':
    'a designation records everyone admitted at its venues in a window in one grouped insert … select over the check-ins',
  'src/riskareas/riskareas.store.ts household':
    "a building's residents are the people of its households, joined in the same set-based insert … select",
  'src/riskareas/riskareas.store.ts person':
    'a designation records every resident of its unit as an arrival in one insert … select, and the latest case among them in one query: thousands of people, set-based',
  'src/riskareas/riskareas.store.ts venue':
    'the venues inside the unit are joined in the same insert … select over the check-ins',
  'src/tracing/trace.index.ts checkin':
    'the in-memory visit index loads every check-in in pages of 100,000 rows (better-sqlite3 or a cursor): a store call would copy them twice',
  'src/tracing/tracing.chains.store.ts area': "the same chains are cut to the subtree by the area's path in the query",
  'src/tracing/tracing.chains.store.ts person':
    'the chains of a subtree take the cases whose person lives there (filter) and name every contact of them at once (thousands)',
  'src/tracing/tracing.review.store.ts area':
    "the review queue is filtered by the case's area path in the query, before the page",
  'src/tracing/tracing.review.store.ts person':
    "the review queue is filtered to the subtree by the case's person's area in the query, before the page",
  'src/tracing/tracing.store.ts area': "the case list is filtered by the area's path in the query, before the page",
  'src/tracing/tracing.store.ts checkin':
    "tracing's trace reads check-ins by the thousands in one indexed interval join; a store call per row would cost the 2,000-contact trace its milliseconds",
  'src/tracing/tracing.store.ts person':
    "the case list is filtered to the subtree by the case's person's area in the query, before the page",
  'src/tracing/tracing.store.ts venue':
    "the same co-presence join reads each venue's category and dwell beside its check-ins",
  'src/venues/checkin.writer.ts health_status':
    "the door's facts (colour, test, vaccination) are read in the same write transaction as the entry they decide (door.facts.ts)",
  'src/venues/checkin.writer.ts person':
    "the check-in writer reads the person's name with a prepared statement inside its SQLite write transaction, for every scan at the door",
  'src/venues/checkin.pgwriter.ts health_status':
    "on PostgreSQL the door's facts are read for a whole batch of scans in one statement, in the transaction of the entries they decide",
  'src/venues/checkin.pgwriter.ts person':
    "on PostgreSQL the person's name and status row are read for a whole batch of scans in one statement inside its write transaction",
  'src/venues/venue.store.ts area':
    "venue lists, the crowded venues, the check-in export and the demo operator's venue filter by the area's path (and sort by it) in the query",
  'src/quarantine/orders.demo.ts area':
    "the demo's orders are made for the demo city's cases and people, found in one query at first start",
  'src/quarantine/orders.demo.ts case_record':
    "the demo's orders are made for the demo city's cases and people, found in one query at first start",
  'src/quarantine/orders.demo.ts person':
    "the demo's orders are made for the demo city's cases and people, found in one query at first start",
  'src/volunteers/volunteers.demo.ts person':
    "the demo's 1,374 volunteers are residents of the demo city, their sealed identifiers copied in one query at first start",
  'src/quarantine/sites.demo.ts area':
    "the demo's sites are placed in the demo city's districts, found by name at first start",
  'src/testing/testing.coverage.store.ts area':
    "the round's people and pool members grouped by their area in the database",
  'src/testing/testing.coverage.store.ts household':
    "the round's people grouped by home (household) in one query per view",
  'src/testing/testing.coverage.store.ts person':
    'a round\'s 100,000+ people grouped by home, one query per view; "not sampled" is a not-exists over the round\'s members',
  'src/testing/testing.pools.store.ts area':
    "the same scope condition: the members' area paths under the actor's area, in the query",
  'src/testing/testing.pools.store.ts person':
    "where a pool's members live is the pool lists' scope condition, inside the query (and the lab upload's positive pools' member homes, one statement per slice)",
  'src/logistics/logistics.demo.ts area':
    "the demo's enterprises are placed in the demo city's district and communities, found by name at first start",
  'src/decision/decision.store.ts area':
    "Rt's case series and infector–infectee pairs of an area are the cases whose person lives under its path, in one query",
  'src/decision/decision.store.ts person':
    "Rt's case series and pairs filter cases by their person's home area in the same query (the whole series of a district, thousands)",
  'src/decision/decision.store.ts case_record':
    "Rt's daily series reads an area's cases (onset, sample, report, source) in one set-based query; the pairs join each contact to the case it became",
  'src/decision/decision.store.ts contact':
    'the infector–infectee pairs are close contacts joined to the cases they became, thousands at once, for the serial interval',
  'src/logistics/trips.demo.ts area':
    "the demo's transfer station and checkpoint are placed in the demo city's first district, found at first start",
};

const TABLES = new Set(Object.keys(OWNERS));

type Kind = 'read' | 'write';
interface Reference {
  file: string;
  table: string;
  kind: Kind;
  line: number;
}

const KYSELY: Record<string, Kind> = {
  selectFrom: 'read',
  innerJoin: 'read',
  leftJoin: 'read',
  rightJoin: 'read',
  fullJoin: 'read',
  innerJoinLateral: 'read',
  leftJoinLateral: 'read',
  insertInto: 'write',
  replaceInto: 'write',
  updateTable: 'write',
  deleteFrom: 'write',
  mergeInto: 'write',
};

/** A statement's table words: writes before the plain `from` so that `delete from x` is a write. */
const SQL_TABLE =
  /\b(insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update|delete\s+from|from|join)\s+["`]?([a-z_][a-z0-9_]*)["`]?/gi;
/** A plain string that is an SQL statement (better-sqlite3's prepared statements). */
const SQL_STATEMENT = /^\s*(select|insert|update|delete|replace|with)\s/i;

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
    .sort();
}

function isExempt(file: string): boolean {
  return Object.keys(EXEMPT).some((e) => (e.endsWith('/') ? file.startsWith(e) : file === e));
}

/** The folder of src/ a file belongs to ('' for src/app.ts and the like, which own no table). */
function domainOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : '';
}

/** The text of a template, its substitutions as `?`. */
function templateText(t: ts.TemplateLiteral): string {
  if (ts.isNoSubstitutionTemplateLiteral(t)) return t.text;
  return t.head.text + t.templateSpans.map((s) => ` ? ${s.literal.text}`).join('');
}

function isSqlTag(e: ts.Expression): boolean {
  return ts.isIdentifier(e) && e.text === 'sql';
}

/** Every table the file names in SQL, with read or write. */
export function tableReferences(file: string, text: string): Reference[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: Reference[] = [];
  const add = (table: string, kind: Kind, node: ts.Node) => {
    if (!TABLES.has(table)) return; // a CTE, an alias or sqlite_master: not a table of the schema
    out.push({ file, table, kind, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  const fromSql = (sqlText: string, node: ts.Node) => {
    for (const m of sqlText.matchAll(SQL_TABLE)) {
      const kind: Kind = /^from|^join/i.test(m[1]!) ? 'read' : 'write';
      add(m[2]!.toLowerCase(), kind, node);
    }
  };
  const firstWord = (e: ts.Expression): string | undefined =>
    ts.isStringLiteralLike(e) ? e.text.trim().split(/\s+/)[0] : undefined;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const arg = node.arguments[0];
      const kind = KYSELY[method];
      if (kind && arg) {
        const names = ts.isArrayLiteralExpression(arg) ? arg.elements : [arg];
        for (const n of names) {
          const table = firstWord(n);
          if (table) add(table, kind, node);
        }
      }
      if (isSqlTag(node.expression.expression) && arg) {
        const table = firstWord(arg);
        if (method === 'table' && table) add(table, 'read', node);
        if (method === 'raw' && ts.isStringLiteralLike(arg)) fromSql(arg.text, node);
      }
    }
    if (ts.isTaggedTemplateExpression(node) && isSqlTag(node.tag)) {
      fromSql(templateText(node.template), node);
      return; // its literals are read here, not again as plain strings below
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && SQL_STATEMENT.test(node.text)) {
      fromSql(node.text, node);
    }
    if (ts.isTemplateExpression(node) && SQL_STATEMENT.test(node.head.text)) {
      fromSql(templateText(node), node);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function scan(): Reference[] {
  const refs: Reference[] = [];
  for (const file of sourceFiles('src')) {
    if (isExempt(file)) continue;
    refs.push(...tableReferences(file, fs.readFileSync(path.join(ROOT, file), 'utf8')));
  }
  return refs;
}

test('the scanner finds Kysely calls, joins, raw SQL and prepared statements', () => {
  const refs = tableReferences(
    'src/x/x.store.ts',
    `
    db.selectFrom('person as p').innerJoin('area as a', 'a.id', 'p.area_id')
      .where((eb) => eb.exists(eb.selectFrom('checkin').select('id')));
    db.with('recent', (q) => q.selectFrom('venue').selectAll()).selectFrom('recent').selectAll();
    trx.insertInto('contact').values(row); trx.updateTable('case_record').set(s); trx.deleteFrom(['session']);
    await sql\`select h.id from household h left join building b on b.id = h.building_id where x = \${id}\`.execute(db);
    sqlite.prepare('select name from person where id = ?');
    sqlite.prepare(\`delete from checkin_purge where at < ?\`);
    const msg = 'moved from area to area'; // prose, not a statement
    `,
  );
  const seen = refs.map((r) => `${r.kind} ${r.table}`).sort();
  assert.deepEqual(seen, [
    'read area',
    'read building',
    'read checkin',
    'read household',
    'read person',
    'read person',
    'read venue',
    'write case_record',
    'write checkin_purge',
    'write contact',
    'write session',
  ]);
});

test("every file builds SQL only on its own domain's tables, or on an allowed pair with its reason", () => {
  const refs = scan();
  const problems: string[] = [];
  const used = new Set<string>();
  for (const r of refs) {
    if (OWNERS[r.table as keyof Database].includes(domainOf(r.file))) continue;
    const key = `${r.file} ${r.table}`;
    const owner = OWNERS[r.table as keyof Database].join('/');
    if (r.kind === 'write') {
      problems.push(`${r.file}:${r.line} writes ${r.table}, a table of ${owner}: ask ${owner}'s store`);
    } else if (key in ALLOWED) {
      used.add(key);
    } else {
      problems.push(
        `${r.file}:${r.line} reads ${r.table}, a table of ${owner}: ask ${owner}'s store, or add '${key}' to ALLOWED with its reason`,
      );
    }
  }
  for (const key of Object.keys(ALLOWED)) {
    if (!used.has(key)) problems.push(`ALLOWED '${key}' is no longer read there: remove it`);
  }
  assert.deepEqual(problems, []);
});

test('every allowed pair and exemption carries a reason', () => {
  for (const [key, reason] of Object.entries({ ...ALLOWED, ...EXEMPT })) {
    assert.ok(reason.trim().length >= 10, `${key} needs its reason`);
  }
  for (const key of Object.keys(ALLOWED)) {
    const [file, table] = key.split(' ');
    assert.ok(fs.existsSync(path.join(ROOT, file!)), `${file} exists`);
    assert.ok(TABLES.has(table!), `${table} is a table`);
  }
});
