/** Writes docs/scenario.schema.json from the scenario file's zod schema (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { scenarioJsonSchema } from '@agentnet/coordinator';

const out = fileURLToPath(new URL('../docs/scenario.schema.json', import.meta.url));
writeFileSync(out, scenarioJsonSchema());
process.stdout.write(`written: ${out}\n`);
