import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from '../../src/package-root.js';

/** docs/push-protocol/, where the published schemas and test vectors live. */
export const PROTOCOL_DOCS = join(packageRoot(), 'docs', 'push-protocol');

/** The committed *.schema.json files, by file name, as a third party would read them. */
export function committedSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(readdirSync(PROTOCOL_DOCS)
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => [f, JSON.parse(readFileSync(join(PROTOCOL_DOCS, f), 'utf8')) as Record<string, unknown>]));
}

let validators: Map<string, ValidateFunction> | undefined;

/**
 * Asserts that `value` is valid under the committed schema `name` (e.g. 'error-response'),
 * checked by Ajv, an independent JSON Schema 2020-12 validator, not by the zod definitions.
 */
export function assertConforms(name: string, value: unknown, why = ''): void {
  validators ??= new Map(Object.entries(committedSchemas()).map(([file, schema]) => [file, new Ajv2020({ strict: true, allErrors: true }).compile(schema)]));
  const validate = validators.get(`${name}.schema.json`);
  assert.ok(validate, `no published schema ${name}`);
  assert.ok(validate(value), `${why} not a valid ${name}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(value)}`);
}

/** Whether `value` is valid under the committed schema `name`. */
export function conforms(name: string, value: unknown): boolean {
  try {
    assertConforms(name, value);
    return true;
  } catch {
    return false;
  }
}
