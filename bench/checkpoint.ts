// npm run bench -- checkpoint [--seconds S] [--connections C] [--slices K]
//
// Verified checkpoint checks over loopback HTTP against Cordon's app on SQLite, and in the same run a
// bare Node HTTP server answering 204 doing nothing, driven by the same client (keep-alive agent, C
// concurrent phones); the two take turns in K slices. Each check carries the signed pass QR (verified
// with the public key, then against the stored pass), the plate, two persons whose PCR is too old —
// an antigen on the spot and its PCR sample recorded — and a fresh client id; the server finds the
// vehicle's approved trip, decides each person and the vehicle by the rules of the day and writes the
// check, its persons and its audit event in one transaction. Prints checks per second, p50/p99, the
// ratio to the bare server and the process CPU time per request (server and client share the process,
// for both servers alike), then checks that every acknowledged check is in the database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from '../src/app.ts';
import { linkAccount } from '../src/logistics/enterprises.service.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../test/support/services.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const SECONDS = flag('seconds', 10);
const CONNECTIONS = flag('connections', 16);
const SLICES = flag('slices', 5);
const H = 3_600_000;

async function main(): Promise<void> {
  const s = await testServices('sqlite');
  s.clock.set('2022-06-13T07:00:00+08:00');
  const areas = await seedTestAreas(s);
  const app = await build(s, { serveWeb: false });
  const inject = async (method: 'GET' | 'POST', url: string, who: SignedIn, payload?: object) => {
    const r = await app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
    return r.json();
  };
  // The fleet, its pass and an approved trip to a transfer station arriving on the 15th.
  const reviewer = await signIn(s, 'logistics', AREAS.district);
  const enterprise = await inject('POST', '/logistics/enterprises', reviewer, {
    name: '辽源市民生保供商贸有限公司',
    creditCode: '91350100M000100Y43',
    category: 'supply_whitelist',
    areaId: areas[AREAS.wenyuan],
    contactName: '王建国',
    contactPhone: '13904371234',
  });
  const account = await signIn(s, 'enterprise', AREAS.wenyuan);
  await linkAccount(s, s.db, account.userId, { enterpriseId: enterprise.id });
  const vehicle = await inject('POST', `/logistics/enterprises/${enterprise.id}/vehicles`, account, {
    plate: '吉D12345',
    type: 'refrigerated',
    loadKg: 8000,
  });
  const drivers: Array<{ id: string }> = [];
  for (const [name, idNumber] of [
    ['李卫东', '220402198001010019'],
    ['赵强', '220402198502020020'],
  ] as const)
    drivers.push(
      await inject('POST', `/logistics/enterprises/${enterprise.id}/drivers`, account, {
        name,
        idType: 'resident_id',
        idNumber,
        phone: '13804371111',
        licenceClass: 'B2',
      }),
    );
  const station = await inject('POST', '/logistics/stations', reviewer, {
    name: '龙山中转站',
    areaId: areas[AREAS.wenyuan],
    windowMinutes: 240,
  });
  const checkpoint = await inject('POST', '/logistics/checkpoints', reviewer, {
    name: '伊开高速辽源出口',
    areaId: areas[AREAS.wenyuan],
  });
  const pass = await inject('POST', '/logistics/passes', account, {
    vehicleId: vehicle.id,
    driverIds: drivers.map((d) => d.id),
    origin: '130102',
    destination: '220402',
    cargoCategory: 'medical_supplies',
  });
  await inject('POST', `/logistics/passes/${pass.id}/issue`, reviewer, {});
  const arriveFrom = Date.parse('2022-06-15T08:00:00+08:00');
  const trip = await inject('POST', '/logistics/trips', account, {
    passId: pass.id,
    vehicleId: vehicle.id,
    crew: drivers.map((d, i) => ({ driverId: d.id, role: i === 0 ? 'driver' : 'escort' })),
    cargoCategory: 'medical_supplies',
    cargoName: '医用口罩',
    quantity: 800,
    unit: 'boxes',
    origin: '130102',
    originRisk: 'none',
    destinationKind: 'transfer_station',
    destinationId: station.id,
    intent: 'unload_return',
    arriveFrom,
    arriveUntil: arriveFrom + 12 * H,
  });
  await inject('POST', `/logistics/trips/${trip.id}/approve`, reviewer, {});
  const token = (await inject('GET', `/logistics/passes/${pass.id}/code`, account)).token as string;
  s.clock.set('2022-06-15T10:00:00+08:00');
  const staff = await signIn(s, 'checkpoint', AREAS.wenyuan);

  await app.listen({ port: 0, host: '127.0.0.1' });
  const cordonPort = (app.server.address() as AddressInfo).port;
  const bare = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
  const barePort = (bare.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

  let seq = 0;
  const acknowledged: string[] = [];
  const path = `/api/v1/logistics/checkpoints/${checkpoint.id}/checks`;
  const body = () => {
    const clientId = `bench-${process.pid}-${++seq}`;
    return {
      clientId,
      json: JSON.stringify({
        clientId,
        code: token,
        plate: '吉D12345',
        vehicleClass: 'supply',
        persons: drivers.map((d, i) => ({
          driverId: d.id,
          role: i === 0 ? 'driver' : 'escort',
          temperature: 36.5,
          colourShown: 'green',
          antigen: 'negative',
          pcrSampled: true,
        })),
      }),
    };
  };
  const send = (port: number): Promise<{ ok: boolean; clientId: string }> =>
    new Promise((resolve, reject) => {
      const b = body();
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: {
            ...staff.headers,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(b.json),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const ok = res.statusCode === 201 || res.statusCode === 204;
            if (!ok) console.error(res.statusCode, Buffer.concat(chunks).toString().slice(0, 200));
            resolve({ ok, clientId: b.clientId });
          });
        },
      );
      req.on('error', reject);
      req.end(b.json);
    });

  type Tally = { n: number; failed: number; lat: number[]; cpuUs: number; wallMs: number };
  const tallies: Record<'cordon' | 'bare', Tally> = {
    cordon: { n: 0, failed: 0, lat: [], cpuUs: 0, wallMs: 0 },
    bare: { n: 0, failed: 0, lat: [], cpuUs: 0, wallMs: 0 },
  };
  const run = async (which: 'cordon' | 'bare', ms: number, record: boolean) => {
    const port = which === 'cordon' ? cordonPort : barePort;
    const until = performance.now() + ms;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < until) {
          const start = performance.now();
          const r = await send(port);
          if (!record) continue;
          const tally = tallies[which];
          tally.lat.push(performance.now() - start);
          if (r.ok) {
            tally.n++;
            if (which === 'cordon') acknowledged.push(r.clientId);
          } else tally.failed++;
        }
      }),
    );
    if (record) {
      const cpu = process.cpuUsage(cpu0);
      tallies[which].cpuUs += cpu.user + cpu.system;
      tallies[which].wallMs += performance.now() - t0;
    }
  };
  await run('cordon', 1000, false);
  await run('bare', 1000, false);
  acknowledged.length = 0;
  const slice = (SECONDS * 1000) / SLICES;
  for (let i = 0; i < SLICES; i++) {
    await run('cordon', slice, true);
    await run('bare', slice, true);
  }
  const pct = (xs: number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  };
  const line = (name: string, t: Tally) => {
    const rate = t.n / (t.wallMs / 1000);
    console.log(
      `${name.padEnd(28)} ${rate.toFixed(0).padStart(7)}/s  p50 ${pct(t.lat, 50).toFixed(2)} ms  p99 ${pct(t.lat, 99).toFixed(2)} ms  CPU ${(t.cpuUs / Math.max(1, t.n) / 1000).toFixed(3)} ms/req${t.failed ? `  failed ${t.failed}` : ''}`,
    );
    return rate;
  };
  console.log(`checkpoint checks: ${CONNECTIONS} phones, ${SECONDS} s per server in ${SLICES} turns (SQLite)`);
  const c = line('cordon (verified check)', tallies.cordon);
  const b = line('bare node (204)', tallies.bare);
  console.log(`ratio cordon / bare: ${(c / b).toFixed(3)}`);
  const stored = await s.db
    .selectFrom('checkpoint_check')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('client_id', 'like', `bench-${process.pid}-%`)
    .executeTakeFirstOrThrow();
  const persons = await s.db
    .selectFrom('checkpoint_person_check')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  console.log(
    `stored: ${Number(stored.n)} checks (${acknowledged.length} acknowledged in the measured turns, plus warm-up), ${Number(persons.n)} persons`,
  );
  agent.destroy();
  bare.close();
  await app.close();
  await s.close();
}

await main();
