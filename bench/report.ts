/** How a benchmark section hands its rows to the report printer. */
export type Report = (section: string, rows: Record<string, string | number>[]) => void;

export function printTable(section: string, rows: Record<string, string | number>[]): void {
  process.stdout.write(`\n## ${section}\n\n`);
  if (rows.length === 0) return void process.stdout.write('(no rows)\n');
  const columns = Object.keys(rows[0]);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |\n`;
  process.stdout.write(line(columns));
  process.stdout.write(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) process.stdout.write(line(columns.map((c) => String(row[c] ?? ''))));
}
