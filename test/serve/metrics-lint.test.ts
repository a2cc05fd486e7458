import { expect } from 'chai';
import { lintExposition, parseExposition } from '../helpers/prom-lint.js';
import { fullScrape } from './metrics-scrape.js';

/** Kept for one release under their first names (CHANGELOG.md, docs/serve.md). */
const DEPRECATED_ALIASES = ['apiban_blocked_packets_total', 'apiban_blocked_bytes_total'];

describe('serve: /metrics follows the Prometheus naming rules', () => {
  it('passes the promtool rules, with one prefix for everything but the two deprecated aliases', async () => {
    const text = await fullScrape();
    expect(lintExposition(text, ['apiban_exporter_', ...DEPRECATED_ALIASES])).to.deep.equal([]);
    const names = [...parseExposition(text, []).keys()];
    expect(names.filter((n) => !n.startsWith('apiban_exporter_'))).to.deep.equal(DEPRECATED_ALIASES);
    expect(names).to.include.members([
      'apiban_exporter_blocked_packets_total',
      'apiban_exporter_blocked_bytes_total',
      'apiban_exporter_output_last_fetch_timestamp_seconds',
      'apiban_exporter_build_info',
      'apiban_exporter_nodejs_active_handles',
      'apiban_exporter_edge_bans_total',
      'apiban_exporter_edge_refused_total',
      'apiban_exporter_edge_expired_total',
      'apiban_exporter_edge_removed_total',
      'apiban_exporter_edge_live_bans',
    ]);
  });

  it('gives the deprecated aliases the same values as the new names', async () => {
    const text = await fullScrape();
    expect(text).to.include('apiban_exporter_blocked_packets_total{device="fw1",family="v4"} 12');
    expect(text).to.include('apiban_blocked_packets_total{device="fw1",family="v4"} 12');
    expect(text).to.include('apiban_exporter_blocked_bytes_total{device="fw1",family="v4"} 480');
    expect(text).to.include('apiban_blocked_bytes_total{device="fw1",family="v4"} 480');
  });

  it('says which release and Node.js run, as apiban_exporter_build_info = 1', async () => {
    expect(await fullScrape('1.2.3')).to.include(`apiban_exporter_build_info{version="1.2.3",node="${process.version}"} 1`);
  });

  it('catches what promtool catches (the rules are not vacuous)', () => {
    const bad = [
      '# HELP x_active_total a gauge named like a counter',
      '# TYPE x_active_total gauge',
      'x_active_total 3',
      '# HELP x_requests a counter without _total',
      '# TYPE x_requests counter',
      'x_requests 1',
      '# HELP x_build_info info',
      '# TYPE x_build_info gauge',
      'x_build_info{version="1"} 2',
      '# HELP x_latency_milliseconds latency',
      '# TYPE x_latency_milliseconds gauge',
      '# TYPE x_latency_milliseconds gauge',
      'x_latency_milliseconds 1',
      '# HELP other_thing other prefix',
      '# TYPE other_thing gauge',
      'other_thing 1',
    ].join('\n');
    expect(lintExposition(bad, ['x_'])).to.deep.equal([
      'x_latency_milliseconds: second TYPE line',
      'x_active_total: non-counter metrics should not have "_total" suffix',
      'x_requests: counter metrics should have "_total" suffix',
      "x_build_info: an _info metric's value is always 1",
      'x_latency_milliseconds: use base units (seconds, bytes) as the suffix',
      'other_thing: does not start with x_',
    ]);
  });
});
