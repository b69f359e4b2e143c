import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Public evaluation datasets live outside the repository (never copied in): KEFU_DATASETS or ../shared/datasets. */
export const DATASETS_DIR = path.resolve(process.env.KEFU_DATASETS ?? path.join(ROOT, '../shared/datasets'));

export function datasetPath(...parts: string[]): string | undefined {
  const file = path.join(DATASETS_DIR, ...parts);
  return existsSync(file) ? file : undefined;
}

/** text<TAB>label files with a header line (SMP2017-ECDT as shipped in the datasets folder). */
export function readTsv(file: string): { text: string; intent: string }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.includes('\t'))
    .map((line) => {
      const [text, intent] = line.split('\t');
      return { text: text!.trim(), intent: intent!.trim() };
    });
}
