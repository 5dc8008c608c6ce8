/**
 * @module server/http/relation-name
 * Relation names in URL paths: percent-decoded, matched exactly first and then folded to lower
 * case as an unquoted SQL identifier is, so `/views/Orders` finds `orders`.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import { SqlState } from '../../common/errors.ts';
import type { Database } from '../../runtime/database.ts';
import { HttpError } from './http-errors.ts';

/** The catalog name a path segment refers to (the name itself when nothing matches). */
export function relationName(db: Database, segment: string): string {
  let name: string;
  try {
    name = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, SqlState.invalidName, `invalid percent-encoding in relation name "${segment}"`);
  }
  if (db.catalog.relation(name)) return name;
  const folded = name.toLowerCase();
  return db.catalog.relation(folded) ? folded : name;
}

/** The relation a path segment names; 42P01 (404) when there is none. */
export function requireRelation(db: Database, segment: string): RelationEntry {
  return db.catalog.requireRelation(relationName(db, segment));
}
