// The origin filters of API.md ("Breakdowns": `source=Hacker News&country=DE`, combinable) as SQL
// clauses over a sessions row, written once for every query that takes them. Values are bound,
// never spliced; the column names come from DIMENSION_COLUMNS, never from a request.

import { DIMENSION_COLUMNS, type Dimension, NONE, type OriginFilter } from '../breakdown-types.ts';
import { raw, type Sql, sql } from '../sql.ts';

export function originClauses(filter: OriginFilter | undefined, alias = 's'): Sql[] {
  if (!filter) return [];
  return (Object.entries(filter) as [Dimension, string | undefined][]).flatMap(([dimension, value]) => {
    if (value === undefined) return [];
    const column = raw(`${alias}.${DIMENSION_COLUMNS[dimension]}`);
    return [value === NONE ? sql`${column} IS NULL` : sql`${column} = ${value}`];
  });
}

export const hasOriginFilter = (filter: OriginFilter | undefined) =>
  filter !== undefined && Object.values(filter).some((v) => v !== undefined);
