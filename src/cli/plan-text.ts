/**
 * A device's `push --dry-run` plan as the terminal shows it (docs/push.md): one line per command
 * or API call, and an uploaded file's lines under its `sftp put` line, indented two spaces, as
 * they would be sent. Past `PLAN_LINES_SHOWN` commands, or lines of one file, the rest is counted
 * ("… 120 more lines") rather than printed; `--json` carries the whole plan.
 */
export const PLAN_LINES_SHOWN = 50;

const FILE_INDENT = '  ';

export function formatPlan(plan: readonly string[], max = PLAN_LINES_SHOWN): string[] {
  // A step is one command, or a file: its header line, then its content.
  const steps = plan.map((step) => {
    const [head, ...content] = step.split('\n');
    return [
      head,
      ...capped(
        content.map((line) => `${FILE_INDENT}${line}`),
        max,
        FILE_INDENT,
      ),
    ];
  });
  const hidden = steps.slice(max).flat().length;
  return hidden === 0 ? steps.flat() : [...steps.slice(0, max).flat(), moreLines(hidden, '')];
}

function capped(lines: string[], max: number, indent: string): string[] {
  return lines.length <= max ? lines : [...lines.slice(0, max), moreLines(lines.length - max, indent)];
}

function moreLines(count: number, indent: string): string {
  return `${indent}… ${count} more line${count === 1 ? '' : 's'}`;
}
