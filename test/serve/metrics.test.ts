import { expect } from 'chai';
import { ServeMetrics } from '../../src/serve/http/metrics.js';

const REQUESTS = 'apiban_exporter_http_requests_total';
const BYTES = 'apiban_exporter_http_response_bytes_total';

/** The series lines of one metric without its name (`{labels} value`), in the order the exposition prints them. */
async function series(metrics: ServeMetrics, name: string): Promise<string[]> {
  const { body } = await metrics.render();
  return body
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => line.slice(name.length));
}

describe('serve: request metrics', () => {
  it('counts requests per output and code, totals (not differences) across scrapes', async () => {
    const metrics = new ServeMetrics({ processMetrics: false });
    metrics.recordRequest('plain', 200, 100);
    metrics.recordRequest('plain', 304, 0);
    metrics.recordRequest('plain', 304, 0);
    expect(await series(metrics, REQUESTS)).to.deep.equal(['{output="plain",code="200"} 1', '{output="plain",code="304"} 2']);
    metrics.recordRequest('plain', 304, 0);
    metrics.recordRequest('plain', 200, 50);
    expect(await series(metrics, REQUESTS)).to.deep.equal(['{output="plain",code="200"} 2', '{output="plain",code="304"} 3']);
    expect(await series(metrics, REQUESTS), 'a scrape with no request in between').to.deep.equal([
      '{output="plain",code="200"} 2',
      '{output="plain",code="304"} 3',
    ]);
    expect(await series(metrics, BYTES)).to.deep.equal(['{output="plain"} 150']);
  });

  it('prints series in the order they were first counted, and none for an output never answered with a body', async () => {
    const metrics = new ServeMetrics({ processMetrics: false });
    metrics.recordRequest('pfsense', 304, 0);
    metrics.recordRequest('_unknown', 404, 0);
    metrics.recordRequest('plain', 200, 7);
    expect(await series(metrics, REQUESTS)).to.deep.equal([
      '{output="pfsense",code="304"} 1',
      '{output="_unknown",code="404"} 1',
      '{output="plain",code="200"} 1',
    ]);
    expect(await series(metrics, BYTES)).to.deep.equal(['{output="plain"} 7']);
  });

  it('gives each daemon its own counts', async () => {
    const first = new ServeMetrics({ processMetrics: false });
    const second = new ServeMetrics({ processMetrics: false });
    first.recordRequest('plain', 200, 1);
    expect(await series(second, REQUESTS)).to.deep.equal([]);
    expect(await series(first, REQUESTS)).to.have.length(1);
  });
});
