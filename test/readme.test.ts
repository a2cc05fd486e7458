/** The README's targets table is derived from the registry; this fails when they drift. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { targetsMarkdown } from '../src/cli/targets.js';
import { REPO_ROOT } from './helpers/paths.js';
import { present } from './helpers/present.js';

describe('README', () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

  it('holds exactly the registry table between the targets markers', async () => {
    const table = /<!-- targets:start -->\n([\s\S]*?)<!-- targets:end -->/.exec(readme)?.[1];
    expect(table, 'targets markers missing').to.be.a('string');
    expect(present(table, 'the targets table').trim()).to.equal(
      await targetsMarkdown(),
      'regenerate with `apiban-exporter targets --markdown`',
    );
  });

  it('shows the two set-up commands that .ci/run runs', () => {
    expect(readme).to.include('npm ci && npm run build && npm start -- export --target pfsense');
    expect(readme).to.include('npm ci && npm test');
    expect(readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8')).to.include('npm ci && npm test');
  });
});
