// `npm run bench`: runs every bench/*.bench.ts and prints one BENCH line per figure.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatFigure, type BenchFigure } from '../bench/format';

const dir = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'bench');
const only = process.argv[2];

for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as {
    run: () => Promise<BenchFigure[]>;
  };
  for (const figure of await mod.run()) console.log(formatFigure(figure));
}
