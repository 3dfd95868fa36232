import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { allExamples } from '../../examples/all-examples';
import { rawApp } from '../../scripts/bench/raw/raw-app';

/**
 * The benchmark prices the abstraction against scripts/bench/raw/raw-app.ts, a plain cdktf
 * program. That comparison is fair only while the raw program makes exactly the examples'
 * resources; when an example changes, regenerate it with `npm run bench:raw`.
 */

/** Every synthesized stack, without cdktf's "//" metadata (construct paths differ by design). */
function synthStacks(build: (app: App) => void): Record<string, unknown> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'raw-app-test-'));
  const app = new App({ outdir, stackTraces: false });
  build(app);
  app.synth();
  const stacksDir = path.join(outdir, 'stacks');
  const strip = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(strip) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== '//').map(([k, x]) => [k, strip(x)])) : v;
  const stacks = Object.fromEntries(
    fs.readdirSync(stacksDir).map((name) => [name, strip(JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')))]),
  );
  fs.rmSync(outdir, { recursive: true, force: true });
  return stacks;
}

const examples = synthStacks(allExamples);
const raw = synthStacks(rawApp);

test('the raw program synthesizes the same stacks as the examples', () => {
  expect(Object.keys(raw).sort()).toEqual(Object.keys(examples).sort());
});

test.each(Object.keys(examples))('the raw program synthesizes exactly the resources of %s', (name) => {
  expect(raw[name]).toEqual(examples[name]);
});
