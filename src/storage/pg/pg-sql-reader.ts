/**
 * @module storage/pg/pg-sql-reader
 * The `SqlReader` over PostgreSQL: `?` parameters become `$1…`, and numbers come back as numbers,
 * or with `exact` as BigInt (sums of bigint columns are `numeric` in PostgreSQL, which the driver
 * would otherwise hand over as text).
 */
import pg from 'pg';
import type { ReadOptions, SqlReader } from '../sql-reader.js';
import type { PostgresDatabase } from './postgres-database.js';
import { numberedParameters } from './numbered-parameters.js';

export { numberedParameters };

const { builtins } = pg.types;
const integerTypes = new Set<number>([builtins.INT8, builtins.NUMERIC]);

const asNumbers = { getTypeParser: (oid: number, format?: string) => (integerTypes.has(oid) ? Number : pg.types.getTypeParser(oid, format as 'text')) };
const asBigInts = {
  getTypeParser: (oid: number, format?: string) => (integerTypes.has(oid) ? (value: string) => BigInt(value.split('.')[0]) : pg.types.getTypeParser(oid, format as 'text')),
};

export function postgresReader(database: PostgresDatabase): SqlReader {
  const all = async <Row>(sql: string, params: readonly unknown[], options: ReadOptions = {}): Promise<Row[]> => {
    const result = await database.$client.query({ text: numberedParameters(sql), values: [...params], types: options.exact ? asBigInts : asNumbers } as pg.QueryConfig);
    return result.rows as Row[];
  };
  return {
    dialect: 'postgres',
    all,
    async *iterate<Row>(sql: string, params: readonly unknown[], options: ReadOptions = {}) {
      // Rollup reads are bounded by hours × labels; read at once, handed out with pauses.
      let count = 0;
      for (const row of await all<Row>(sql, params, options)) {
        yield row;
        if (++count % 2_000 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
