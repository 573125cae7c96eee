// Writes docs/push-protocol/*.schema.json from the definitions the server validates with
// (src/push/protocol-schemas.ts) and removes schema files no definition makes any more.
// test/push/published-schemas.test.ts fails when the committed files differ.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { protocolJsonSchemas } from '../src/push/protocol-json-schemas.js';
import { packageRoot } from '../src/package-root.js';

const dir = join(packageRoot(), 'docs', 'push-protocol');
const schemas = protocolJsonSchemas();
for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json') && !(f in schemas))) {
  rmSync(join(dir, file));
  console.log(`removed docs/push-protocol/${file}`);
}
for (const [file, schema] of Object.entries(schemas)) {
  writeFileSync(join(dir, file), `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote docs/push-protocol/${file}`);
}
