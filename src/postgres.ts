// passport-mfa/postgres: PostgreSQL for several app instances (needs the optional peer `pg`).
export { PostgresStore, POSTGRES_STORE_DEFAULTS } from './stores/postgres/postgres-store.js';
export type { PostgresStoreOptions } from './stores/postgres/postgres-store.js';
export type { PostgresConnectionOptions } from './stores/postgres/pool.js';
export { POSTGRES_SCHEMA_VERSION } from './stores/postgres/postgres-migrations.js';
export type { MigrationResult } from './stores/postgres/postgres-migrations.js';
export type { SweepResult } from './stores/postgres/postgres-sweep.js';
export { PostgresWakeup, POSTGRES_WAKEUP_DEFAULTS } from './transports/postgres-wakeup.js';
export type { PostgresWakeupOptions } from './transports/postgres-wakeup.js';
export type { ReconnectOptions } from './transports/shared-wakeup.js';
