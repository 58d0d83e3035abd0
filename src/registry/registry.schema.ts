// Request and response shapes of the registry API. Response schemas are the whitelist: an encrypted
// column or lookup digest has no place here, so it cannot reach a response by accident.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { CARE_TAGS, ID_TYPES } from './registry.rules.ts';
import { Nullable, NameText, NoteText } from '../platform/http.ts';

export const RegistryRecordErrors = defineErrors({
  BUILDING_NOT_FOUND: { status: 404, zh: '找不到该楼栋', en: 'Building not found' },
  HOUSEHOLD_NOT_FOUND: { status: 404, zh: '找不到该住户', en: 'Household not found' },
  PERSON_NOT_FOUND: { status: 404, zh: '找不到该人员', en: 'Person not found' },
  ID_NUMBER_DUPLICATE: {
    status: 409,
    zh: '该证件号已登记：{name}（{areaName}）',
    en: 'This ID number is already registered: {name} ({areaName})',
  },
  ID_NUMBER_REGISTERED_ELSEWHERE: {
    status: 409,
    zh: '该证件号已在其他辖区登记，请与该辖区核实',
    en: 'This ID number is already registered in another area; check with that area',
  },
  PERSON_INVALID: {
    status: 422,
    zh: '人员信息有误，请按提示修改',
    en: 'The person’s details have errors; see each field',
  },
  AREA_REQUIRED: { status: 400, zh: '请指定所属区域或住户', en: 'Give an area or a household' },
  PERSON_AREA_MISMATCH: {
    status: 400,
    zh: '人员所属区域必须与其住户所在区域一致',
    en: 'A person’s area must be the area of their household',
  },
  HOUSEHOLD_AREA_MISMATCH: {
    status: 400,
    zh: '住户所属区域必须在楼栋所在区域之内',
    en: 'A household’s area must lie inside its building’s area',
  },
  HEAD_NOT_MEMBER: { status: 400, zh: '户主必须是本户成员', en: 'The head of household must be one of its members' },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });

export const AreaSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  level: Type.String(),
  parentId: Nullable(Type.String()),
  path: Type.String(),
  childCount: Type.Integer(),
});
export type AreaView = Static<typeof AreaSchema>;

export const AreaDetailSchema = Type.Object({
  area: AreaSchema,
  ancestors: Type.Array(AreaSchema),
  counts: Type.Object({
    children: Type.Integer(),
    buildings: Type.Integer(),
    households: Type.Integer(),
    persons: Type.Integer(),
  }),
});

export const BuildingRowSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The residential compound (小区); '' when not known. */
  compound: Type.String(),
  /** As a citizen names it: "瑞景家园 1号楼" (the name alone without a compound). */
  label: Type.String(),
  address: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  households: Type.Integer(),
  persons: Type.Integer(),
});

export const HouseholdSummarySchema = Type.Object({
  id: Type.String(),
  unit: Type.String(),
  door: Type.String(),
  address: Type.String(),
  rooms: Nullable(Type.Integer()),
  headName: Nullable(Type.String()),
  members: Type.Integer(),
  careTags: Type.Array(Type.String()),
});
export type HouseholdSummary = Static<typeof HouseholdSummarySchema>;

export const BuildingDetailSchema = Type.Object({
  building: Type.Object({
    id: Type.String(),
    name: Type.String(),
    compound: Type.String(),
    label: Type.String(),
    address: Type.String(),
    areaId: Type.String(),
  }),
  ancestors: Type.Array(AreaSchema),
  households: Type.Array(HouseholdSummarySchema),
  /** All households of the building; `households` holds the requested page of them. */
  householdsTotal: Type.Integer(),
});

export const PersonViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  sex: Nullable(Type.Union([Type.Literal('M'), Type.Literal('F')])),
  birthDate: Nullable(Type.String()),
  age: Nullable(Type.Integer()),
  idType: Type.String(),
  /** Masked. */
  idNumber: Nullable(Type.String()),
  /** Masked. */
  phone: Nullable(Type.String()),
  relation: Type.String(),
  careTags: Type.Array(Type.String()),
  note: Type.String(),
  householdId: Nullable(Type.String()),
  areaId: Type.String(),
  areaName: Type.String(),
  address: Nullable(Type.String()),
});
export type PersonView = Static<typeof PersonViewSchema>;

export const HouseholdSchema = Type.Object({
  id: Type.String(),
  buildingId: Nullable(Type.String()),
  buildingName: Nullable(Type.String()),
  areaId: Type.String(),
  unit: Type.String(),
  door: Type.String(),
  address: Type.String(),
  rooms: Nullable(Type.Integer()),
  headPersonId: Nullable(Type.String()),
});
export type HouseholdView = Static<typeof HouseholdSchema>;

export const HouseholdDetailSchema = Type.Object({
  household: HouseholdSchema,
  ancestors: Type.Array(AreaSchema),
  members: Type.Array(PersonViewSchema),
});

const Text = (max: number, description?: string) =>
  Type.String({ maxLength: max, ...(description ? { description } : {}) });
/** A name or label: NFC, control and bidirectional characters refused (platform/text.ts). */
const Label = (max: number) => NameText({ maxLength: max });

export const HouseholdCreateBody = Type.Object(
  {
    /** The building the household lives in; its area is the household's unless areaId names one inside it. */
    buildingId: Type.Optional(Id),
    /** Or a building by name in areaId, created when it does not exist yet. */
    buildingName: Type.Optional(NameText({ minLength: 1, maxLength: 100 })),
    /** The compound (小区) of a building created by name; an existing building keeps its own. */
    buildingCompound: Type.Optional(NameText({ maxLength: 100 })),
    areaId: Type.Optional(Id),
    unit: Type.Optional(Label(50)),
    door: Type.Optional(Label(50)),
    address: Type.Optional(Label(200)),
    rooms: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
  },
  { additionalProperties: false },
);
export type HouseholdCreateBody = Static<typeof HouseholdCreateBody>;

export const HouseholdPatchBody = Type.Object(
  {
    unit: Type.Optional(Label(50)),
    door: Type.Optional(Label(50)),
    address: Type.Optional(Label(200)),
    rooms: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100 }))),
    headPersonId: Type.Optional(Nullable(Id)),
  },
  { additionalProperties: false },
);
export type HouseholdPatchBody = Static<typeof HouseholdPatchBody>;

/** Loose on purpose: the registry rules validate each field and name every fault. */
const personFields = {
  name: Type.Optional(Label(200)),
  idType: Type.Optional(Text(20, `one of ${ID_TYPES.join(', ')}`)),
  idNumber: Type.Optional(Nullable(Text(40))),
  sex: Type.Optional(Nullable(Text(10))),
  birthDate: Type.Optional(Nullable(Text(20))),
  phone: Type.Optional(Nullable(Text(30))),
  relation: Type.Optional(Nullable(Label(50))),
  careTags: Type.Optional(Type.Array(Text(40, `one of ${CARE_TAGS.join(', ')}`), { maxItems: 20 })),
  note: Type.Optional(Nullable(NoteText({ maxLength: 500 }))),
};

export const PersonCreateBody = Type.Object(
  {
    householdId: Type.Optional(Nullable(Id)),
    areaId: Type.Optional(Nullable(Id)),
    ...personFields,
  },
  { additionalProperties: false },
);
export type PersonCreateBody = Static<typeof PersonCreateBody>;

export const PersonPatchBody = PersonCreateBody;
export type PersonPatchBody = Static<typeof PersonPatchBody>;

export const PersonSearchQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 100 })),
  areaId: Type.Optional(Id),
});

export const RevealBody = Type.Object({ reason: Type.Optional(NoteText({ maxLength: 1000 })) });
export const RevealResult = Type.Object({ idNumber: Nullable(Type.String()), phone: Nullable(Type.String()) });

export const IdParams = Type.Object({ id: Id });

export const BuildingSearchQuery = Type.Object({
  /** Compound and number, e.g. "瑞景 1" or "瑞景家园1号楼"; every word must match. */
  q: Type.Optional(Type.String({ maxLength: 100 })),
});
export type BuildingSearchQuery = Static<typeof BuildingSearchQuery>;
