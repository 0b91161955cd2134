// Regenerate test/vectors/*.json: `npx tsx test/vectors/generate.ts`. Deterministic: rerunning changes nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../src/protocol/sodium';
import { buildAll } from './build';

await init();
const files = buildAll();
for (const [name, content] of Object.entries(files)) {
  writeFileSync(join(import.meta.dirname, name), `${JSON.stringify(content, null, 1)}\n`);
  console.log(`wrote ${name}`);
}
