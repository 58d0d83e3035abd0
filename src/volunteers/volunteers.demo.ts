// The demo city's volunteers (精准支援、分类服务): 1,374 residents signed up in the seed's categories —
// the Youth League's shock teams for door-to-door screening, teachers covering the work points, veterans'
// own teams, party members, enterprise staff and independents — most approved, some waiting for vetting;
// a week of needs posted by sampling sites, communities, quarantine sites, checkpoints and warehouses of
// the coordinator's district, matched by the same rules as the board (earlier days and today accepted,
// tomorrow offered, the days after left for the coordinator). Written in bulk: first start stays fast.
import type { Services } from '../services.ts';
import type { VolunteerNeedTable, VolunteerTable } from '../db/database.ts';
import { areasByIds, areasUnder } from '../db/sql.ts';
import { addDays, dateInZone, startOfDate } from '../platform/calendar.ts';
import { newId } from '../platform/crypto.ts';
import { Random } from '../sim/random.ts';
import { AVAILABILITY_KEYS } from './matching.rules.ts';
import { matchNeeds } from './volunteers.service.ts';
import * as store from './volunteers.store.ts';

export const DEMO_VOLUNTEERS = 1374;

const ORGS: Array<{ kind: string; share: number; teams: string[]; skills: Array<[string, number]> }> = [
  {
    kind: 'youth_league',
    share: 0.46,
    teams: ['团市委青年突击队一队', '团市委青年突击队二队', '团市委青年突击队三队', '大学生返乡志愿队'],
    skills: [
      ['data_entry', 0.5],
      ['logistics', 0.4],
      ['communications', 0.15],
      ['translation', 0.05],
      ['driving_licence', 0.2],
    ],
  },
  {
    kind: 'teachers',
    share: 0.14,
    teams: ['教师志愿服务队（16 个工作点）'],
    skills: [
      ['data_entry', 0.7],
      ['psychology', 0.1],
      ['translation', 0.1],
      ['sign_language', 0.03],
    ],
  },
  {
    kind: 'veterans',
    share: 0.12,
    teams: ['退役军人志愿服务队一队', '退役军人志愿服务队二队'],
    skills: [
      ['driving_licence', 0.5],
      ['logistics', 0.6],
      ['electrician', 0.1],
    ],
  },
  {
    kind: 'party_members',
    share: 0.12,
    teams: ['党员先锋队'],
    skills: [
      ['data_entry', 0.4],
      ['communications', 0.1],
      ['medical_licence', 0.05],
    ],
  },
  {
    kind: 'enterprise',
    share: 0.08,
    teams: ['企业职工志愿队'],
    skills: [
      ['driving_licence', 0.4],
      ['logistics', 0.5],
      ['electrician', 0.15],
    ],
  },
  {
    kind: 'independent',
    share: 0.08,
    teams: [''],
    skills: [
      ['data_entry', 0.3],
      ['sampling', 0.08],
      ['medical_licence', 0.06],
    ],
  },
];

const PROOF: Record<string, (rng: Random) => string> = {
  medical_licence: (r) => `1102${r.digits(11)}`,
  driving_licence: (r) => `${r.pick(['C1', 'C1', 'B2', 'A2'])} 2204${r.digits(14)}`,
  sampling: (r) => `HS-${r.digits(6)}`,
  psychology: (r) => `XL-${r.digits(8)}`,
  electrician: (r) => `T${r.digits(12)}`,
};

interface NeedTemplate {
  unitKind: string;
  unit: string;
  taskType: string;
  from: number;
  to: number;
  people: number;
  skills: string[];
  health: 'none' | 'green' | 'green_test';
  test?: number;
  team?: string;
}

const TEMPLATES: NeedTemplate[] = [
  {
    unitKind: 'sampling_site',
    unit: '采样点',
    taskType: 'order_keeping',
    from: 7,
    to: 11,
    people: 4,
    skills: [],
    health: 'green_test',
    test: 48,
  },
  {
    unitKind: 'sampling_site',
    unit: '采样点',
    taskType: 'data_entry',
    from: 7,
    to: 11,
    people: 2,
    skills: ['data_entry'],
    health: 'green_test',
    test: 48,
  },
  {
    unitKind: 'community',
    unit: '社区',
    taskType: 'door_knocking',
    from: 9,
    to: 12,
    people: 3,
    skills: [],
    health: 'green',
    team: '团市委青年突击队一队',
  },
  {
    unitKind: 'community',
    unit: '社区',
    taskType: 'delivery',
    from: 14,
    to: 17,
    people: 3,
    skills: [],
    health: 'green',
  },
  {
    unitKind: 'warehouse',
    unit: '物资仓库',
    taskType: 'driving',
    from: 13,
    to: 17,
    people: 1,
    skills: ['driving_licence'],
    health: 'green',
  },
  {
    unitKind: 'quarantine_site',
    unit: '隔离点',
    taskType: 'psychology',
    from: 15,
    to: 17,
    people: 1,
    skills: ['psychology'],
    health: 'green_test',
    test: 24,
  },
  {
    unitKind: 'checkpoint',
    unit: '卡口',
    taskType: 'communications',
    from: 19,
    to: 22,
    people: 2,
    skills: [],
    health: 'green',
  },
];

/** `n` items drawn without repetition (a partial Fisher–Yates shuffle), in the order drawn. */
function sample<T>(rng: Random, items: readonly T[], n: number): T[] {
  const a = [...items];
  const k = Math.min(n, a.length);
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, a.length - 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}

export interface DemoVolunteerSummary {
  volunteers: number;
  approved: number;
  needs: number;
  bookings: number;
}

/**
 * Seeds the volunteers, a week of needs in the district and their bookings; links the demo volunteer
 * login (when given) to an approved volunteer of its community who holds tasks.
 */
export async function seedDemoVolunteers(
  s: Services,
  options: { districtPath: string; volunteerUser?: { id: string; areaPath: string }; coordinatorUserId?: string },
): Promise<DemoVolunteerSummary> {
  const rng = new Random(1, 'volunteers');
  const now = s.clock.now();
  const today = dateInZone(now, s.config.timeZone);
  const adultFrom = `${Number(today.slice(0, 4)) - 60}${today.slice(4)}`;
  const adultTo = `${Number(today.slice(0, 4)) - 18}${today.slice(4)}`;
  // The residents who sign up: adults with an ID number and a phone (their sealed fields are copied).
  const people = await s.db
    .selectFrom('person')
    .select(['id', 'name', 'id_enc', 'id_hmac', 'phone_enc', 'phone_hmac', 'area_id'])
    .where('id_type', '=', 'resident_id')
    .where('id_hmac', 'is not', null)
    .where('phone_enc', 'is not', null)
    .where('birth_date', '>=', adultFrom)
    .where('birth_date', '<=', adultTo)
    .orderBy('id')
    .execute();
  // Two in three from the coordinator's district: that is where the needs are.
  const paths = new Map(
    (await areasByIds(s.db, [...new Set(people.map((p) => p.area_id))])).map((a) => [a.id, a.path]),
  );
  const near = people.filter((p) => paths.get(p.area_id)?.startsWith(options.districtPath));
  const far = people.filter((p) => !paths.get(p.area_id)?.startsWith(options.districtPath));
  const chosen = sample(rng.fork('near'), near, Math.round(DEMO_VOLUNTEERS * 0.67));
  chosen.push(...sample(rng.fork('far'), far, DEMO_VOLUNTEERS - chosen.length));
  if (chosen.length < DEMO_VOLUNTEERS) {
    const taken = new Set(chosen.map((p) => p.id));
    chosen.push(...near.filter((p) => !taken.has(p.id)).slice(0, DEMO_VOLUNTEERS - chosen.length));
  }

  const rows: VolunteerTable[] = chosen.map((p, i) => {
    let roll = rng.next();
    const org = ORGS.find((o) => (roll -= o.share) < 0) ?? ORGS[0]!;
    const skills = org.skills
      .filter(([, share]) => rng.chance(share))
      .map(([code]) => ({ code, proof: PROOF[code]?.(rng) ?? '' }));
    const availability = AVAILABILITY_KEYS.filter((k) =>
      rng.chance(k.startsWith('sat') || k.startsWith('sun') ? 0.8 : 0.6),
    );
    const status =
      i % 60 === 7 ? 'pending' : i % 250 === 11 ? 'info_requested' : i % 300 === 13 ? 'rejected' : 'approved';
    const signedAt = now - rng.int(3, 14) * 86_400_000 - rng.int(0, 86_399) * 1000;
    return {
      id: newId(signedAt),
      name: p.name,
      id_number_enc: p.id_enc!,
      id_hmac: p.id_hmac!,
      phone_enc: p.phone_enc!,
      phone_hmac: p.phone_hmac!,
      person_id: p.id,
      area_id: p.area_id,
      area_path: paths.get(p.area_id) ?? '',
      org_kind: org.kind,
      team: rng.pick(org.teams),
      skills: JSON.stringify(skills),
      availability: JSON.stringify(availability.length ? availability : ['sat_am']),
      consent_at: signedAt,
      status,
      status_note:
        status === 'info_requested' ? '请补充驾驶证照片页' : status === 'rejected' ? '年龄与身份证信息不符' : '',
      user_id: null,
      vetted_by: status === 'pending' || status === 'info_requested' ? null : (options.coordinatorUserId ?? null),
      vetted_at: status === 'pending' || status === 'info_requested' ? null : signedAt + 86_400_000,
      created_at: signedAt,
      updated_at: signedAt,
    };
  });
  await store.insertVolunteers(s.db, s.dialect, rows);

  // A week of needs: two days back, today, four ahead, in the district's communities.
  const communities = (await areasUnder(s.db, options.districtPath, ['community'])).slice(0, 10);
  const needs: VolunteerNeedTable[] = [];
  for (let d = -2; d <= 4; d++) {
    const date = addDays(today, d);
    const midnight = startOfDate(date, s.config.timeZone);
    communities.forEach((c, ci) => {
      TEMPLATES.forEach((t, ti) => {
        if ((ci + ti + d + 14) % 3 === 2) return; // not every unit needs every task every day
        const id = newId(midnight);
        needs.push({
          id,
          unit_kind: t.unitKind,
          unit_name: `${c.name}${t.unit}`,
          task_type: t.taskType,
          area_id: c.id,
          area_path: c.path,
          place: t.unitKind === 'sampling_site' ? `${c.name}广场` : '',
          date,
          start_at: midnight + t.from * 3_600_000,
          end_at: midnight + t.to * 3_600_000,
          people: t.people,
          skills: JSON.stringify(t.skills),
          health: t.health,
          test_within_hours: t.test ?? null,
          team: t.team ?? '',
          contact_name: `${c.name.slice(0, 2)}联络员`,
          contact_phone_enc: s.cipher.encrypt(`1390437${String(1000 + ci * 10 + ti).padStart(4, '0')}`),
          series_id: id,
          status: 'open',
          created_by: null,
          created_at: midnight - 86_400_000,
        });
      });
    });
  }
  await store.insertNeeds(s.db, needs);

  // Matched by the board's own rules: up to today accepted, tomorrow offered, later days left open.
  const tomorrow = addDays(today, 1);
  const toMatch = await store.needsByIds(
    s.db,
    needs.filter((n) => n.date <= tomorrow).map((n) => n.id),
  );
  const { result } = await matchNeeds(s, s.db, toMatch, options.districtPath);
  const needById = new Map(needs.map((n) => [n.id, n]));
  const bookings = result.assignments.map((a) => {
    const n = needById.get(a.needId)!;
    return {
      id: newId(n.created_at),
      need_id: n.id,
      volunteer_id: a.volunteerId,
      start_at: n.start_at,
      end_at: n.end_at,
      status: n.date <= today ? 'accepted' : 'offered',
      score: a.score,
      explain: JSON.stringify(a.explain),
      confirmed_by: options.coordinatorUserId ?? null,
      created_at: n.created_at,
      answered_at: n.date <= today ? n.created_at + 3_600_000 : null,
      decline_reason: '',
    };
  });
  await store.insertBookings(s.db, bookings);

  if (options.volunteerUser) {
    // The demo login: a volunteer of its community holding tasks today and tomorrow if there is one.
    const holding = new Map<string, Set<string>>();
    for (const b of bookings) holding.set(b.volunteer_id, (holding.get(b.volunteer_id) ?? new Set()).add(b.status));
    const inArea = rows.filter(
      (r) => r.status === 'approved' && r.area_path.startsWith(options.volunteerUser!.areaPath),
    );
    const pick =
      inArea.find((r) => holding.get(r.id)?.size === 2) ??
      inArea.find((r) => holding.has(r.id)) ??
      rows.find((r) => holding.get(r.id)?.size === 2) ??
      (await store.firstApprovedIn(s.db, options.volunteerUser.areaPath));
    if (pick) await store.updateVolunteer(s.db, pick.id, { user_id: options.volunteerUser.id });
  }
  return {
    volunteers: rows.length,
    approved: rows.filter((r) => r.status === 'approved').length,
    needs: needs.length,
    bookings: bookings.length,
  };
}
