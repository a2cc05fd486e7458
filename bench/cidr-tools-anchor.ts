/** The anchor for the mixed-family row: cidr-tools' mergeCidr over the same file, as a whole process, to stdout like the others. */
import { readFileSync } from 'node:fs';
import { mergeCidr } from 'cidr-tools';

const [inputPath] = process.argv.slice(2);
const lines = readFileSync(inputPath, 'utf8')
  .split('\n')
  .filter((line) => line !== '');
process.stdout.write(`${mergeCidr(lines).join('\n')}\n`);
