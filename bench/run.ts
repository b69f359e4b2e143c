/**
 * Bench dispatcher: `npm run bench -- NAME [flags]` runs bench/NAME/main.ts with the flags.
 * An unknown or missing name lists the benches there are and exits 1.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Every bench: a folder of bench/ with a main.ts exporting `run(args)`. */
function benches(): string[] {
  return readdirSync(here, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'main.ts')))
    .map((d) => d.name)
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const available = benches();
if (!name || !available.includes(name)) {
  if (name) console.error(`Unknown bench "${name}".`);
  console.error(`Usage: npm run bench -- NAME [flags]   (NAME --help for its flags)\nAvailable benches:`);
  for (const b of available) console.error(`  ${b}`);
  process.exit(1);
}
const bench = (await import(pathToFileURL(path.join(here, name, 'main.ts')).href)) as {
  run(args: string[]): Promise<number>;
};
process.exitCode = await bench.run(args);
