// Error codes of designated hospitals (定点医院), and the shapes of their routes. The public list is a
// whitelist of what a citizen needs to find care: name, address, phone, designations and colours taken.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText } from '../platform/http.ts';
import { CARE_NEEDS, COLOURS, HOSPITAL_DESIGNATIONS } from './hospitals.rules.ts';

export const HospitalErrors = defineErrors({
  HOSPITAL_NOT_FOUND: { status: 404, zh: '找不到该定点医院', en: 'Designated hospital not found' },
  HOSPITAL_BEDS_INVALID: {
    status: 422,
    zh: '空余床位（{free}）不能多于床位总数（{beds}）',
    en: 'Free beds ({free}) cannot exceed the beds ({beds})',
  },
  HOSPITAL_COLOUR_NOT_ACCEPTED: {
    status: 409,
    zh: '{name} 不接收{colour}码人员',
    en: '{name} does not accept people with a {colour} code',
  },
  HOSPITAL_NEED_NOT_SERVED: {
    status: 409,
    zh: '{name} 不提供该项诊疗（{need}）',
    en: '{name} does not serve this need ({need})',
  },
  HOSPITAL_INACTIVE: { status: 409, zh: '{name} 已停止收治', en: '{name} is not admitting' },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Strict = { additionalProperties: false } as const;
const Phone = Type.String({ maxLength: 40, pattern: '^[0-9+\\-() ]*$' });

export const Designation = Literals(HOSPITAL_DESIGNATIONS);
export const Colour = Literals(COLOURS);
export const Need = Literals(CARE_NEEDS);

export const HospitalBody = Type.Object(
  {
    areaId: Id,
    name: NameText({ minLength: 1, maxLength: 100 }),
    address: Type.Optional(NameText({ maxLength: 300 })),
    phone: Type.Optional(Phone),
    designations: Type.Array(Designation, { minItems: 1, uniqueItems: true }),
    acceptsColours: Type.Array(Colour, { minItems: 1, uniqueItems: true }),
    beds: Type.Integer({ minimum: 0, maximum: 100_000 }),
    bedsFree: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  Strict,
);
export type HospitalBody = Static<typeof HospitalBody>;

export const HospitalUpdateBody = Type.Object(
  {
    name: Type.Optional(NameText({ minLength: 1, maxLength: 100 })),
    address: Type.Optional(NameText({ maxLength: 300 })),
    phone: Type.Optional(Phone),
    designations: Type.Optional(Type.Array(Designation, { minItems: 1, uniqueItems: true })),
    acceptsColours: Type.Optional(Type.Array(Colour, { minItems: 1, uniqueItems: true })),
    beds: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    bedsFree: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    active: Type.Optional(Type.Boolean()),
  },
  Strict,
);
export type HospitalUpdateBody = Static<typeof HospitalUpdateBody>;

export const HospitalView = Type.Object({
  id: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  name: Type.String(),
  address: Type.String(),
  phone: Type.String(),
  designations: Type.Array(Designation),
  acceptsColours: Type.Array(Colour),
  beds: Type.Integer(),
  bedsFree: Type.Integer(),
  active: Type.Boolean(),
  updatedAt: Type.Integer(),
});
export type HospitalView = Static<typeof HospitalView>;

export const HospitalListQuery = Type.Object({
  areaId: Type.Optional(Id),
  designation: Type.Optional(Designation),
});
export type HospitalListQuery = Static<typeof HospitalListQuery>;

export const RouteQuery = Type.Object({
  colour: Colour,
  need: Type.Optional(Need),
  areaId: Type.Optional(Id),
});
export type RouteQuery = Static<typeof RouteQuery>;

export const RouteAnswer = Type.Object({
  colour: Colour,
  need: Type.Union([Type.Null(), Need]),
  /** The designations that serve the need (rules/quarantine.json). */
  designations: Type.Array(Designation),
  items: Type.Array(HospitalView),
});
export type RouteAnswer = Static<typeof RouteAnswer>;

export const PublicQuery = Type.Object({ need: Type.Optional(Need) });

export const PublicHospital = Type.Object({
  id: Type.String(),
  name: Type.String(),
  district: Type.String(),
  address: Type.String(),
  phone: Type.String(),
  designations: Type.Array(Designation),
  acceptsColours: Type.Array(Colour),
});
export const PublicHospitalList = Type.Object({
  need: Type.Union([Type.Null(), Need]),
  items: Type.Array(PublicHospital),
});
export type PublicHospitalList = Static<typeof PublicHospitalList>;
