/** The anchor for the mixed-family row: cidr-tools' mergeCidr over the same file, as a whole process. */
import { readFileSync, writeFileSync } from 'node:fs';
import { mergeCidr } from 'cidr-tools';

const [inputPath, outputPath] = process.argv.slice(2);
const lines = readFileSync(inputPath, 'utf8')
  .split('\n')
  .filter((line) => line !== '');
writeFileSync(outputPath, `${mergeCidr(lines).join('\n')}\n`);
