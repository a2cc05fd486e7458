/**
 * The status line, drawn on @xterm/headless (a terminal emulator): log lines land above it, it is
 * cut to the terminal's width so erasing it never leaves a wrapped half behind, and cleared it
 * leaves nothing.
 */
import { expect } from 'chai';
import xterm from '@xterm/headless';
import { StatusLine } from '../../src/cli/status-line.js';

function screen(columns: number) {
  const terminal = new xterm.Terminal({ cols: columns, rows: 10, allowProposedApi: true });
  let pending = Promise.resolve();
  const sink = {
    write: (text: string) => {
      pending = pending.then(() => new Promise<void>((resolve) => terminal.write(text.replace(/\n/g, '\r\n'), resolve)));
    },
  };
  const lines = async () => {
    await pending;
    const buffer = terminal.buffer.active;
    const rows = Array.from({ length: buffer.length }, (_, i) => buffer.getLine(i)?.translateToString(true) ?? '');
    while (rows.at(-1) === '') rows.pop();
    return rows;
  };
  return { sink, lines };
}

describe('status line', () => {
  it('keeps itself under every log line written while it shows', async () => {
    const { sink, lines } = screen(60);
    const status = new StatusLine(sink, () => 60);
    status.writeAbove('before\n');
    status.show('sync: 1 page(s), 250 entries so far');
    status.logSink.write('2026-12-04T10:00:00.000Z WARN apiban: retrying\n');
    status.show('sync: 2 page(s), 500 entries so far');
    status.logSink.write('2026-12-04T10:00:01.000Z INFO sync: caught up\n');
    expect(await lines()).to.deep.equal([
      'before',
      '2026-12-04T10:00:00.000Z WARN apiban: retrying',
      '2026-12-04T10:00:01.000Z INFO sync: caught up',
      'sync: 2 page(s), 500 entries so far',
    ]);
    status.clear();
    sink.write('sync ok\n');
    expect((await lines()).at(-1)).to.equal('sync ok');
    expect(await lines()).to.have.length(4);
  });

  it('cuts a line longer than the terminal, so erasing it leaves no wrapped rest', async () => {
    const { sink, lines } = screen(20);
    const status = new StatusLine(sink, () => 20);
    status.show('push: 0/3 done; edge1: applying, edge2: reading');
    expect(await lines()).to.deep.equal(['push: 0/3 done; ed…']);
    status.logSink.write('a log line\n');
    expect(await lines()).to.deep.equal(['a log line', 'push: 0/3 done; ed…']);
  });
});
