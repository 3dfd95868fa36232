import { namedFiles, tarballProblems } from '../../scripts/consumer/tarball';
import { README_PLATFORM_PROGRAM_MARKER, README_PROGRAM_MARKER, readmeProgram } from '../../scripts/consumer/readme-program';

const MANIFEST = {
  main: 'dist/constructs/index.js',
  types: 'dist/constructs/index.d.ts',
  exports: { '.': { types: './dist/constructs/index.d.ts', default: './dist/constructs/index.js' }, './package.json': './package.json' },
  bin: { 'cdktf-ai-governance': 'dist/cli/bin.js' },
};
const GOOD = ['package.json', 'LICENSE', 'README.md', 'dist/constructs/index.js', 'dist/constructs/index.d.ts', 'dist/cli/bin.js', 'functions/tool-authorizer/index.js'];

describe('the tarball check (npm run test:consumer)', () => {
  test('lists every file package.json names: main, types, each exports target, each bin', () => {
    expect(namedFiles(MANIFEST)).toEqual(['dist/cli/bin.js', 'dist/constructs/index.d.ts', 'dist/constructs/index.js', 'package.json']);
  });
  test('passes a tarball with the built files and no test', () => {
    expect(tarballProblems(GOOD, MANIFEST, ['functions/tool-authorizer/index.js'])).toEqual([]);
  });
  test.each([
    ['a test file', 'test/cli/cli.test.ts'],
    ['a compiled test', 'dist/test/support.js'],
    ['a script', 'scripts/e2e/run.ts'],
    ['an example', 'examples/product-app.ts'],
    ["the repository's app", 'main.ts'],
    ['a fixture', 'constructs/fixtures/plan.json'],
  ])('fails when the tarball contains %s', (_what, file) => {
    expect(tarballProblems([...GOOD, file], MANIFEST)).toEqual([expect.stringMatching(new RegExp(`^${file.replace(/\./g, '\\.')} must not be published .*narrow "files"`))]);
  });
  test.each([
    ['main', 'dist/constructs/index.js'],
    ['types', 'dist/constructs/index.d.ts'],
    ['the bin', 'dist/cli/bin.js'],
  ])('fails when %s is missing from the tarball', (_what, file) => {
    expect(tarballProblems(GOOD.filter((f) => f !== file), MANIFEST)).toEqual([`${file} is named by package.json but missing from the tarball: run npm run build (prepack does) and check "files"`]);
  });
  test('fails when a Lambda source is missing from the tarball', () => {
    expect(tarballProblems(GOOD, MANIFEST, ['functions/secret-rotation/index.js'])).toEqual([expect.stringMatching(/^functions\/secret-rotation\/index\.js is loaded at run time but missing/)]);
  });
});

describe('the README program the consumer test compiles', () => {
  test('is the ```ts block right after the marker', () => {
    expect(readmeProgram(`intro\n${README_PROGRAM_MARKER}\n\`\`\`ts\nconst a = 1;\n\`\`\`\nmore`)).toBe('const a = 1;\n');
  });
  test('fails when the README has no marker', () => {
    expect(() => readmeProgram('```ts\nx\n```')).toThrow(/must mark exactly one program .* found 0 marker/);
  });
  test('fails when the README has two markers', () => {
    expect(() => readmeProgram(`${README_PROGRAM_MARKER}\n\`\`\`ts\nx\n\`\`\`\n${README_PROGRAM_MARKER}\n\`\`\`ts\ny\n\`\`\``)).toThrow(/found 2 marker/);
  });
  test('fails when the marker is not followed by a ts block', () => {
    expect(() => readmeProgram(`${README_PROGRAM_MARKER}\ntext\n\`\`\`ts\nx\n\`\`\``)).toThrow(/must open a ```ts block/);
  });
  test.each([
    ['product', README_PROGRAM_MARKER],
    ['platform', README_PLATFORM_PROGRAM_MARKER],
  ])("README.md's marked %s program imports from the package root, uses GovernedApp and synthesizes", (_kind, marker) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = readmeProgram(require('fs').readFileSync(require('path').join(__dirname, '..', '..', 'README.md'), 'utf8'), marker);
    expect(program).toMatch(/^import \{[^}]*\bGovernedApp\b[^}]*\} from 'cdktf-ai-governance';$/m);
    expect(program).toMatch(/new GovernedApp\(\)/);
    expect(program).toMatch(/^app\.synth\(\);$/m);
    expect(program).not.toMatch(/from '\.\.?\//);
  });
  test('a marker names the program it reads in its error', () => {
    expect(() => readmeProgram('no markers', README_PLATFORM_PROGRAM_MARKER)).toThrow(/consumer-test: platform\.ts.*found 0 marker/);
  });
});
