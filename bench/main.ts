/**
 * `npm run bench -- NAME [args]`: runs bench/NAME.ts, whose default export prints a Markdown table with
 * its baseline measured in the same run and ends with one line `headline: ...`.
 */
import { readdirSync } from 'node:fs';

const here = new URL('.', import.meta.url);
const names = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'main.ts')
  .map((f) => f.slice(0, -3))
  .sort();
const [name, ...args] = process.argv.slice(2);
if (!name || !names.includes(name)) {
  console.error(`usage: npm run bench -- NAME, where NAME is one of: ${names.join(', ') || '(none yet)'}`);
  process.exit(2);
}
const mod = (await import(new URL(`./${name}.ts`, here).href)) as { default: (args: string[]) => Promise<void> };
await mod.default(args);
