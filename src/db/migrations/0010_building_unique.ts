// One building per name within an area: two imports (or two workers adding households) that create
// the same new building at the same time must end with one building. Existing duplicates are merged
// into the oldest id first (their households move there). Frozen with the chain: never import app code here.
import { sql, type Kysely } from 'kysely';
import type { MigrationDialect } from './columns.ts';

export async function up(db: Kysely<any>, _dialect: MigrationDialect): Promise<void> {
  await sql`
    update household set building_id = (
      select min(keep.id) from building dup
      join building keep on keep.area_id = dup.area_id and keep.name = dup.name
      where dup.id = household.building_id)
    where building_id in (
      select b.id from building b
      where exists (select 1 from building o where o.area_id = b.area_id and o.name = b.name and o.id < b.id))`.execute(
    db,
  );
  await sql`
    delete from building
    where exists (select 1 from building o where o.area_id = building.area_id and o.name = building.name and o.id < building.id)`.execute(
    db,
  );
  await db.schema.dropIndex('building_area_idx').execute();
  await db.schema.createIndex('building_area_name_key').unique().on('building').columns(['area_id', 'name']).execute();
}
