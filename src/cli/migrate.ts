#!/usr/bin/env node
// Applies PostgresStore's schema migrations: for hosts that migrate in their deploy step and then
// open the store with `migrate: false`. Safe to run from several places at once (advisory lock).
import { parseArgs } from 'node:util';
import { PostgresStore } from '../stores/postgres/postgres-store.js';

const USAGE = `Usage: npx passport-mfa-migrate [--url <postgres://user@host:5432/db>] [--schema <name>] [--table-prefix <prefix>] [--check]
  --url            the database (default: $MFA_STORE_URL)
  --schema         the schema holding the tables (default: the connection's search_path)
  --table-prefix   prepended to every table name (default: mfa_)
  --check          change nothing; exit 1 unless the tables are at this version's schema
Connection settings pg reads from the environment (PGPASSWORD, PGSSLMODE, ...) apply.`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, schema: { type: 'string' }, 'table-prefix': { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (values.help) return print(USAGE, 0);
  const connectionString = values.url ?? process.env.MFA_STORE_URL;
  if (!connectionString) return print(`No database given: pass --url or set MFA_STORE_URL.\n${USAGE}`, 2);
  const options = { connectionString, schema: values.schema, tablePrefix: values['table-prefix'] };
  if (values.check) {
    const store = await PostgresStore.open({ ...options, migrate: false, sweepIntervalMs: 0 });
    await store.close();
    return print('passport-mfa: the tables are up to date.', 0);
  }
  const { from, to } = await PostgresStore.migrate(options);
  return print(from === to ? `passport-mfa: the tables are at schema version ${to}; nothing to do.` : `passport-mfa: migrated the tables from schema version ${from} to ${to}.`, 0);
}

function print(text: string, status: number): number {
  (status === 0 ? console.log : console.error)(text);
  return status;
}

main(process.argv.slice(2)).then(
  (status) => (process.exitCode = status),
  (error: unknown) => {
    // A ConfigurationError says what to fix; anything else (no server, wrong password) is the driver's own message.
    console.error(`passport-mfa-migrate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
