// The area-scope rule, once: may this actor see or change this area / person / record? Every user
// and API token is rooted at an area; they reach that area's subtree and nothing beside or above it.
// A record outside is refused with one code, OUT_OF_SCOPE (403); an area named in a listing that does
// not exist is AREA_NOT_FOUND (404). Every domain's service asks here; the table-driven test
// test/api/area-scope.test.ts walks every served route with an actor of another community.
import type { Executor } from '../db/database.ts';
import { areaById } from '../db/sql.ts';
import { AppError } from '../platform/errors.ts';
import { inScope, type Actor } from './access.rules.ts';

export { inScope };

type Scoped = Pick<Actor, 'areaPath'>;

/** Throws OUT_OF_SCOPE unless `areaPath` lies inside the actor's subtree. */
export function assertInScope(actor: Scoped, areaPath: string): void {
  if (!inScope(actor.areaPath, areaPath)) throw new AppError('OUT_OF_SCOPE');
}

/**
 * The area path a listing covers: the caller's own subtree, or the area they name inside it
 * (AREA_NOT_FOUND for an unknown one, OUT_OF_SCOPE for one outside their subtree).
 */
export async function listingScope(ex: Executor, actor: Scoped, areaId: string | undefined): Promise<string> {
  if (!areaId) return actor.areaPath;
  const area = await areaById(ex, areaId);
  if (!area) throw new AppError('AREA_NOT_FOUND');
  assertInScope(actor, area.path);
  return area.path;
}
