import { z } from 'zod';
import { PUBLISHED_SCHEMAS } from './protocol-schemas.js';

/**
 * The push protocol's JSON Schemas (draft 2020-12) as published in docs/push-protocol/, emitted
 * from the definitions the server validates with: file name → schema. Requests are emitted as
 * the server reads them (input), responses as it writes them (output).
 */
export function protocolJsonSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(Object.entries(PUBLISHED_SCHEMAS).map(([name, { schema, io }]) => {
    const file = `${name}.schema.json`;
    const { $schema, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'throw' });
    return [file, { $schema, $id: file, ...rest }];
  }));
}
