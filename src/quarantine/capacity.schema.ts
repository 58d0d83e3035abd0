// The shape of the command centre's capacity view: rooms by site and district against the norm, people
// under orders by kind and day, releases due, and the room-demand forecast. Counts only: no person.
import { Type, type Static } from '@sinclair/typebox';
import { Literals, Nullable } from '../platform/http.ts';
import { SITE_STATUSES } from './sites.rules.ts';
import { RoomCounts } from './sites.schema.ts';

export const CapacityQuery = Type.Object({ areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });
export type CapacityQuery = Static<typeof CapacityQuery>;

const Norm = Type.Object({
  byPopulation: Type.Integer(),
  byCases: Type.Integer(),
  required: Type.Integer(),
  shortfall: Type.Integer(),
});

export const CapacityView = Type.Object({
  at: Type.Integer(),
  today: Type.String(),
  rules: Type.Object({
    version: Type.String(),
    roomsPer10kResidents: Type.Number(),
    roomsPerCase: Type.Number(),
    alertFreeShare: Type.Number(),
    forecastDays: Type.Integer(),
    lookbackDays: Type.Integer(),
  }),
  totals: Type.Composite([
    RoomCounts,
    Type.Object({ usable: Type.Integer(), freeShare: Type.Number(), alert: Type.Boolean() }),
  ]),
  sites: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      areaName: Type.String(),
      districtId: Nullable(Type.String()),
      status: Literals(SITE_STATUSES),
      rooms: RoomCounts,
    }),
  ),
  districts: Type.Array(
    Type.Object({
      areaId: Type.String(),
      name: Type.String(),
      residents: Type.Integer(),
      infectedCases: Type.Integer(),
      /** Rooms that can be used (not out of service) of the district's sites. */
      rooms: Type.Integer(),
      free: Type.Integer(),
      norm: Norm,
    }),
  ),
  orders: Type.Object({
    active: Type.Integer(),
    centralised: Type.Integer(),
    unplaced: Type.Integer(),
    /** People under active orders by kind and by the rules' day number (day 0 = last exposure). */
    byKind: Type.Array(
      Type.Object({
        kind: Type.String(),
        people: Type.Integer(),
        byDay: Type.Array(Type.Object({ day: Type.Integer(), people: Type.Integer() })),
      }),
    ),
  }),
  /** Orders ending (all phases) on each of the coming days. */
  releases: Type.Array(Type.Object({ date: Type.String(), people: Type.Integer() })),
  forecast: Type.Object({
    casesPerDay: Type.Number(),
    contactsPerCase: Type.Number(),
    days: Type.Array(
      Type.Object({
        day: Type.Integer(),
        date: Type.String(),
        arrivals: Type.Number(),
        releases: Type.Integer(),
        demand: Type.Integer(),
        free: Type.Integer(),
      }),
    ),
    runsOutOn: Nullable(Type.String()),
  }),
});
export type CapacityView = Static<typeof CapacityView>;
