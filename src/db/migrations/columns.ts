// Column types that differ between the dialects. Frozen with the migrations: never import app code here.
import type { ColumnDataType } from 'kysely';

export type MigrationDialect = 'sqlite' | 'postgres';

export function columns(dialect: MigrationDialect) {
  return {
    /** Epoch milliseconds. */
    time: (dialect === 'postgres' ? 'bigint' : 'integer') as ColumnDataType,
    int: 'integer' as ColumnDataType,
    bigint: (dialect === 'postgres' ? 'bigint' : 'integer') as ColumnDataType,
    text: 'text' as ColumnDataType,
    real: (dialect === 'postgres' ? 'double precision' : 'real') as ColumnDataType,
  };
}
