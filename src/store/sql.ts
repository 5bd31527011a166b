// Queries written once for both engines: a tagged template that keeps every value bound (never
// spliced into the text), and the little that the two dialects spell differently. Each engine's
// db.ts runs a compiled query; the shared queries live in queries/.
//
//   sql`SELECT … WHERE s.email = ${email} AND ${where}` — a value becomes a placeholder, a nested
//   Sql is inlined with its own values, and raw() is text the code (never a request) wrote.

export class Sql {
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}
}

export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return new Sql([...strings], values);
}

/** Text written by the code itself: column lists, ORDER BY, a dialect's spelling. */
export function raw(text: string): Sql {
  return new Sql([text], []);
}

/** `parts` joined by `separator` (e.g. the clauses of a WHERE with ' AND '). */
export function join(parts: readonly Sql[], separator: string): Sql {
  if (parts.length === 0) return raw('');
  return new Sql(['', ...parts.slice(1).map(() => separator), ''], parts);
}

/** What the two engines spell differently. */
export interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  /** The placeholder of the `index`-th bound value (0-based). */
  placeholder(index: number): string;
  /** `column` is one of `values` (bound as one parameter: a JSON array or a PostgreSQL array). */
  isIn(column: string, values: readonly (string | number)[]): Sql;
  /** An integer aggregate read back as a number (PostgreSQL's sum and count are numeric/bigint). */
  int(expression: string): string;
  /** Byte-order string comparison, the same on both engines (SQLite's default). */
  readonly bytewise: string;
  /** True, as a WHERE clause. */
  readonly always: string;
  /** The larger of two values (SQLite's two-argument max, PostgreSQL's GREATEST). */
  greatest(a: string, b: string): string;
  /** The smaller of two values. */
  least(a: string, b: string): string;
  /**
   * Appended to a SELECT that picks rows to change: PostgreSQL locks them (of one table of a join;
   * skipping rows another instance holds, where two instances claim work at once); SQLite needs
   * nothing, its write transaction already excludes every other writer.
   */
  lockPicked(options?: { of?: string; skipLocked?: boolean }): Sql;
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  placeholder: () => '?',
  isIn: (column, values) => sql`${raw(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  int: (expression) => expression,
  bytewise: '',
  always: '1',
  greatest: (a, b) => `max(${a}, ${b})`,
  least: (a, b) => `min(${a}, ${b})`,
  lockPicked: () => raw(''),
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  placeholder: (index) => `$${index + 1}`,
  isIn: (column, values) =>
    typeof values[0] === 'string'
      ? sql`${raw(column)} = ANY(${values}::text[])`
      : sql`${raw(column)} = ANY(${values}::bigint[])`,
  int: (expression) => `(${expression})::bigint`,
  bytewise: ' COLLATE "C"',
  always: 'TRUE',
  greatest: (a, b) => `GREATEST(${a}, ${b})`,
  least: (a, b) => `LEAST(${a}, ${b})`,
  lockPicked: ({ of, skipLocked } = {}) =>
    raw(` FOR UPDATE${of ? ` OF ${of}` : ''}${skipLocked ? ' SKIP LOCKED' : ''}`),
};

/** The text and bound values of `query` in `dialect`. */
export function compile(query: Sql, dialect: Dialect): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const walk = (q: Sql): string => {
    let text = q.strings[0] ?? '';
    for (const [i, value] of q.values.entries()) {
      if (value instanceof Sql) text += walk(value);
      else {
        text += dialect.placeholder(values.length);
        values.push(value);
      }
      text += q.strings[i + 1] ?? '';
    }
    return text;
  };
  return { text: walk(query), values };
}

/** How a shared query reads and writes: both engines answer through promises (SQLite's at once). */
export interface Db {
  readonly dialect: Dialect;
  all<T>(query: Sql): Promise<T[]>;
  /** A write; resolves to the number of rows it changed. */
  run(query: Sql): Promise<number>;
  /** A script of statements the code wrote, with no values (a migration). */
  exec(script: string): Promise<void>;
  /**
   * `work` in one transaction: committed when it resolves, rolled back when it throws. `work` must
   * await only `tx` (SQLite holds its one connection for the whole of it).
   */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
}
