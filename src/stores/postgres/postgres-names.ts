import { quoteIdentifier } from './pool.js';

/** Every table of a PostgresStore, before prefix and schema. */
export type TableName =
  | 'schema_version'
  | 'factors'
  | 'lockouts'
  | 'rate_limits'
  | 'phone_codes'
  | 'app_passwords'
  | 'push_devices'
  | 'push_challenges'
  | 'push_nonces'
  | 'push_subscriptions'
  | 'credentials'
  | 'recovery_codes'
  | 'session_generations';

/** How one store's objects are named in SQL: its own tables under `tablePrefix`, in `schema` when given. */
export interface PostgresNames {
  /** The quoted schema, or null for the connection's search_path. */
  schema: string | null;
  /** A table as SQL names it: `"schema"."mfa_factors"` or `"mfa_factors"`. */
  table(name: TableName): string;
  /** An index or constraint name (never qualified: it lives in its table's schema). */
  local(name: string): string;
  /** Names the store in advisory locks, so two stores in one database never wait on each other's migrations. */
  lockKey: string;
}

export function postgresNames(schema: string | undefined, prefix: string): PostgresNames {
  const quotedSchema = schema === undefined ? null : quoteIdentifier(schema);
  return {
    schema: quotedSchema,
    table: (name) => (quotedSchema ? `${quotedSchema}.` : '') + quoteIdentifier(prefix + name),
    local: (name) => quoteIdentifier(prefix + name),
    lockKey: `passport-mfa:${schema ?? ''}.${prefix}`,
  };
}
