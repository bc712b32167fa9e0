/** GitHub's filter pattern cheat sheet, row by row. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFilters } from '../../src/planner/filter-pattern.js';

const rows: [string[], string[], string[]][] = [
  // patterns, matches, does not match
  [['feature/*'], ['feature/my-branch', 'feature/your-branch'], ['feature/a/b', 'main']],
  [['feature/**'], ['feature/beta-a/my-branch', 'feature/your-branch', 'feature/mona/the/octocat'], ['features/x']],
  [['main', 'releases/mona-the-octocat'], ['main', 'releases/mona-the-octocat'], ['releases/other']],
  [['*'], ['main', 'releases'], ['releases/v1']],
  [['**'], ['all/the/branches', 'every/tag'], []],
  [['*feature'], ['mona-feature', 'feature', 'ver-10-feature'], ['feature-x']],
  [['v2*'], ['v2', 'v2.0', 'v2.9'], ['v1']],
  [['v[12].[0-9]+.[0-9]+'], ['v1.10.1', 'v2.0.0'], ['v3.0.0', 'v1.x.1', 'v1.0']],
  [['*.jsx?'], ['page.js', 'page.jsx'], ['src/page.js']],
  [['*.js'], ['app.js', 'index.js'], ['js/index.js']],
  [['**.js'], ['index.js', 'js/index.js', 'src/js/app.js'], ['app.ts']],
  [['docs/*'], ['docs/README.md', 'docs/file.txt'], ['docs/a/b.md']],
  [['docs/**'], ['docs/README.md', 'docs/mona/octocat.txt'], ['mydocs/a']],
  [['docs/**/*.md'], ['docs/README.md', 'docs/mona/hello-world.md', 'docs/a/markdown/file.md'], ['docs/a.txt']],
  [['**/docs/**'], ['docs/hello.md', 'dir/docs/my-file.txt', 'space/docs/plan/space.doc'], ['docsx/a']],
  [['**/README.md'], ['README.md', 'js/README.md'], ['README.txt']],
  [['**/*src/**'], ['a/src/app.js', 'my-src/code/js/app.js'], ['src.js']],
  [['**/*-post.md'], ['my-post.md', 'path/their-post.md'], ['post.md']],
  [['**/migrate-*.sql'], ['migrate-10909.sql', 'db/migrate-v1.0.sql', 'db/sept/migrate-v1.sql'], ['migrate.sql']],
  [['*.md', '!README.md'], ['hello.md'], ['README.md', 'docs/hello.md']],
  [['*.md', '!README.md', 'README*'], ['hello.md', 'README.md', 'README.doc'], []],
];

for (const [patterns, yes, no] of rows) {
  test(`${patterns.join(', ')}`, () => {
    for (const v of yes) assert.equal(matchesFilters(v, patterns), true, `${v} should match`);
    for (const v of no) assert.equal(matchesFilters(v, patterns), false, `${v} should not match`);
  });
}
