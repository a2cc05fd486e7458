import { expect } from 'chai';
import { ContentHistory } from '../../src/serve/http/content.js';
import { renderInline, type VariantRenderer } from '../../src/serve/outputs/render-pool.js';
import { DEFAULT_QUERY, Snapshot, type Variant } from '../../src/serve/outputs/snapshot.js';
import { resolveSite } from '../../src/serve/site.js';
import { bansOf, servedSet, testConfig } from './support.js';

/** The list lines of a variant, without its header comment. */
const entries = (variant: Variant): string[] =>
  variant.main.identity
    .toString()
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));

const site = await resolveSite(testConfig());

describe('serve: output snapshot variants', () => {
  const [plain, pfsense] = site.outputs;
  const set = servedSet(bansOf('192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1'));

  async function prebuilt(): Promise<Snapshot> {
    const snapshot = new Snapshot(set, new ContentHistory(), Date.now());
    expect(await snapshot.prebuild(site.outputs)).to.deep.equal([]);
    return snapshot;
  }

  it('answers a built default variant synchronously, whichever object spells the default query', async () => {
    const snapshot = await prebuilt();
    const first = snapshot.variant(plain, DEFAULT_QUERY);
    expect(first).to.not.be.instanceOf(Promise);
    expect(snapshot.variant(plain, { families: 'both' }), 'an equal query object').to.equal(first);
    expect(snapshot.variant(plain, { families: 'both', aggregate: undefined })).to.equal(first);
    expect(snapshot.variant(pfsense, DEFAULT_QUERY), 'each output its own').to.not.equal(first);
    expect(entries(first as Variant)).to.deep.equal(['192.0.2.1', '192.0.2.2', '192.0.2.3', '2001:db8::1']);
  });

  it('builds a query variant once, apart from the default', async () => {
    const snapshot = await prebuilt();
    const pending = snapshot.variant(plain, { families: 'both', aggregate: true });
    expect(pending).to.be.instanceOf(Promise);
    expect(snapshot.variant(plain, { families: 'both', aggregate: true }), 'concurrent requests share the build').to.equal(pending);
    const aggregated = await pending;
    expect(snapshot.variant(plain, { families: 'both', aggregate: true })).to.equal(aggregated);
    expect(entries(aggregated)).to.deep.equal(['192.0.2.1', '192.0.2.2/31', '2001:db8::1']);
    expect(snapshot.variant(plain, DEFAULT_QUERY)).to.not.equal(aggregated);
    const v4 = await snapshot.variant(plain, { families: 'v4' });
    expect(entries(v4)).to.deep.equal(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  });

  it('renders outputs that render alike once and keeps one copy of their bytes; others apart', async () => {
    const { outputs } = await resolveSite(
      testConfig({
        outputs: [
          { name: 'plain', target: 'plain' },
          { name: 'pfsense', target: 'pfsense' },
          { name: 'bare', target: 'plain', options: { header: false } },
        ],
      }),
    );
    const snapshot = new Snapshot(set, new ContentHistory(), Date.now());
    expect(await snapshot.prebuild(outputs)).to.deep.equal([]);
    const [a, b, other] = outputs.map((output) => (snapshot.variant(output, DEFAULT_QUERY) as Variant).main);
    expect(b.identity.equals(a.identity), 'the same bytes').to.equal(true);
    expect(b.identity, 'one copy of the body').to.equal(a.identity);
    expect(b.gzip, 'one copy of the gzip form').to.equal(a.gzip);
    expect(b.etag).to.equal(a.etag);
    expect(other.etag).to.not.equal(a.etag);
    expect(other.identity).to.not.equal(a.identity);
  });

  it('takes over the renders of the snapshot before it when the set is the same, and only those', async () => {
    const rendered: string[] = [];
    const counting: VariantRenderer = (writer, bans, options, shape) => {
      rendered.push(writer.name);
      return renderInline(writer, bans, options, shape);
    };
    const before = new Snapshot(set, new ContentHistory(), Date.now(), counting);
    await before.prebuild(site.outputs);
    expect(rendered).to.deep.equal(['plain']);
    const { outputs: withCisco } = await resolveSite(
      testConfig({
        outputs: [
          { name: 'plain', target: 'plain' },
          { name: 'asa', target: 'cisco-asa' },
        ],
      }),
    );
    rendered.length = 0;
    const after = new Snapshot(set, new ContentHistory(), Date.now(), counting, before);
    await after.prebuild(withCisco);
    expect(rendered, 'only the new output renders').to.deep.equal(['cisco-asa']);
    const other = servedSet(bansOf('192.0.2.9'));
    rendered.length = 0;
    await new Snapshot(other, new ContentHistory(), Date.now(), counting, after).prebuild(withCisco);
    expect(rendered, 'a new set renders everything').to.deep.equal(['plain', 'cisco-asa']);
  });
});
