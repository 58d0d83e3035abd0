// The situation wall (大屏): one figure set of the officer's area from every module, each panel saying
// when its module holds nothing yet (or is still to come), scoped by area, refused without command.view,
// and pushed live over server-sent events when something changes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { wallChanged } from '../../src/command/command.live.ts';

const HOUR = 3_600_000;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a frame is read as the JSON it is
type Wall = Record<string, any>;

/** Collects `figures` frames of the wall's stream until one matches. */
function wallStream(url: string, headers: Record<string, string>) {
  return new Promise<{ next(match: (f: Wall) => boolean): Promise<Wall>; close(): void }>((resolve, reject) => {
    const frames: Array<Wall> = [];
    let waiters: Array<() => void> = [];
    let buffer = '';
    const request = http.get(url, { headers }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`status ${res.statusCode}`));
      assert.match(String(res.headers['content-type']), /text\/event-stream/);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!frame.includes('event: figures')) continue;
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          if (data) frames.push(JSON.parse(data.slice(6)));
        }
        for (const w of waiters) w();
      });
      resolve({
        next: (match) =>
          new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching frame; got ${JSON.stringify(frames)}`)), 5000);
            const check = () => {
              const i = frames.findIndex(match);
              if (i < 0) return;
              clearTimeout(timer);
              waiters = waiters.filter((w) => w !== check);
              ok(frames.splice(i, 1)[0]!);
            };
            waiters.push(check);
            check();
          }),
        close: () => request.destroy(),
      });
    });
    request.on('error', (err) => {
      if ((err as { code?: string }).code !== 'ECONNRESET') reject(err);
    });
  });
}

for (const { dialect, skip } of await dialects()) {
  describe(`command wall [${dialect}]`, { skip }, () => {
    test('empty modules say so; a case and a contact show on the wall and its stream; scoped; refused without command.view', async () => {
      const s = await testServices(dialect);
      const areas = await seedTestAreas(s);
      const app: App = await build(s, { serveWeb: false });
      const call = (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: object) =>
        app.inject({ method, url: `/api/v1${url}`, headers: who?.headers ?? {}, ...(payload ? { payload } : {}) });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const investigator = await signIn(s, 'investigator', AREAS.city);
        const command = await signIn(s, 'command', AREAS.city);

        const empty = await call('GET', '/command/wall', command);
        assert.equal(empty.statusCode, 200, empty.body);
        const e = empty.json();
        assert.equal(e.panels.cases, 'empty');
        assert.equal(e.panels.contacts, 'empty');
        assert.equal(e.panels.quarantine, 'empty');
        assert.equal(e.panels.logistics, 'pending');
        assert.equal(e.panels.volunteers, 'pending');
        assert.equal(e.cases.today, 0);
        assert.equal(e.cases.curve.length, 14);
        assert.deepEqual(e.riskAreas, { high: 0, medium: 0, low: 0, total: 0 });
        assert.deepEqual(e.testing.rounds, []);
        assert.equal(e.testing.targetHours, 6);

        const base = await app.listen({ port: 0, host: '127.0.0.1' }).then(() => {
          const a = app.server.address();
          return `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
        });
        const stream = await wallStream(`${base}/api/v1/command/wall/stream`, command.headers);
        const first = await stream.next(() => true);
        assert.equal(first.cases.today, 0);

        const person = async (name: string) => {
          const res = await call('POST', '/persons', worker, { areaId: areas[AREAS.wenyuanGrid], name });
          assert.equal(res.statusCode, 201, res.body);
          return res.json().id as string;
        };
        const patient = await person('张建国');
        const kase = await call('POST', '/cases', investigator, {
          personId: patient,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: s.clock.now() - 24 * HOUR,
        });
        assert.equal(kase.statusCode, 201, kase.body);
        const manual = await call('POST', `/cases/${kase.json().case.id}/contacts`, investigator, {
          personId: await person('王丽娟'),
          reasonCode: 'same_household',
          firstExposureAt: s.clock.now() - 30 * HOUR,
          lastExposureAt: s.clock.now() - 26 * HOUR,
        });
        assert.equal(manual.statusCode, 201, manual.body);

        wallChanged(s, 'test');
        const live = await stream.next((f) => f.cases.today === 1);
        stream.close();
        assert.deepEqual(live.cases.byClassification, [{ key: 'confirmed', n: 1 }]);
        assert.deepEqual(live.cases.bySource, [{ key: 'fever_clinic', n: 1 }]);
        assert.equal(live.cases.curve.at(-1).n, 1);
        assert.equal(live.cases.curve.at(-1).cumulative, 1);

        const wall = (await call('GET', '/command/wall', command)).json();
        assert.equal(wall.panels.cases, 'ok');
        assert.equal(wall.contacts.found, 1);
        assert.equal(wall.contacts.pending + wall.contacts.reviewed, 1);
        assert.equal(wall.colours.districts.length, 1);
        assert.equal(wall.colours.districts[0].name, '龙山区');
        assert.ok(wall.colours.totals.red >= 1, 'the case is red');
        // No personal data on the wall.
        assert.doesNotMatch(JSON.stringify(wall), /张建国|王丽娟/);

        // Area-scoped: 兴阳's command post sees none of 文苑's figures.
        const xingyang = await signIn(s, 'command', AREAS.xingyang);
        const theirs = (await call('GET', '/command/wall', xingyang)).json();
        assert.equal(theirs.cases.total, 0);
        assert.equal(theirs.contacts.found, 0);
        assert.equal(theirs.colours.districts[0].name, '兴阳社区');

        // The admin has command.view, not cases: that panel is forbidden, not an error.
        const admin = await signIn(s, 'admin', AREAS.city);
        const adminWall = (await call('GET', '/command/wall', admin)).json();
        assert.equal(adminWall.panels.cases, 'forbidden');
        assert.equal(adminWall.cases, null);
        for (const role of ['investigator', 'community_worker', 'auditor'] as const) {
          const res = await call('GET', '/command/wall', await signIn(s, role, AREAS.city));
          assert.equal(res.statusCode, 403, role);
          assert.equal(res.json().code, 'FORBIDDEN');
        }
        assert.equal((await call('GET', '/command/wall')).statusCode, 401);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
