/**
 * Writes scripts/bench/raw/raw-app.ts: the examples as a plain cdktf program, without this
 * library. It builds the examples (examples/all-examples.ts, what main.ts synthesizes) with raw-capture's hooks, then emits one `new <ProviderClass>(stack,
 * '<logical id>', { ...same config })` per resource, data source and provider, at the top level of
 * a TerraformStack of the same name (a top-level id is its own logical id, so references between
 * resources stay valid), plus the same addOverride calls and stack dependencies.
 *
 * Tokens are written as the Terraform expressions they resolve to, typed back with Token.asNumber
 * or Token.asList where the class expects a number or a list. The program is generated once and
 * committed (regenerate: `npm run bench:raw`); test/bench/raw-app.test.ts fails when it no longer
 * produces exactly the examples' resources.
 *
 * Run: npm run bench:raw
 */
import * as fs from 'fs';
import * as path from 'path';
import { installRecorder, RecordedElement } from './raw-capture';

const recorder = installRecorder();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the hooks, on purpose
const cdktf = require('cdktf') as typeof import('cdktf');
const { App, TerraformStack, Token } = cdktf;


const repoRoot = path.resolve(__dirname, '..', '..');
const outdir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'bench-raw-'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the hooks, on purpose
const { allExamples } = require('../../examples/all-examples') as typeof import('../../examples/all-examples');
const app = new App({ outdir });
allExamples(app);
app.synth();

// cdktf's own resolve (what synth uses), given the stack as scope.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resolveIn = (require('cdktf/lib/_tokens') as { resolve: (scope: unknown, value: unknown) => unknown }).resolve;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENTIFIER.test(k) ? k : JSON.stringify(k));

function emitter(stack: import('cdktf').TerraformStack, names: Map<unknown, string>) {
  const emit = (original: unknown, indent: string): string => {
    if (original === null || original === undefined) return String(original);
    const named = names.get(original);
    if (named) return named;
    if (Token.isUnresolved(original)) {
      const resolved = resolveIn(stack, original);
      if (typeof resolved === 'number' || typeof resolved === 'boolean') return JSON.stringify(resolved);
      if (typeof original === 'number') return `Token.asNumber(${JSON.stringify(resolved)})`;
      if (Array.isArray(original)) return `Token.asList(${JSON.stringify(resolved)})`;
      if (typeof original === 'string' && typeof resolved === 'string') return JSON.stringify(resolved);
      return `Token.asAny(${JSON.stringify(resolved)})`;
    }
    if (Array.isArray(original)) return `[${original.map((v) => emit(v, indent)).join(', ')}]`;
    if (typeof original === 'object') {
      if (original instanceof cdktf.TerraformElement || original instanceof TerraformStack) {
        throw new Error(`A config value is a construct that is not recorded: ${(original as import('constructs').Construct).node.path}`);
      }
      const entries = Object.entries(original as Record<string, unknown>).filter(([, v]) => v !== undefined);
      if (!entries.length) return '{}';
      const inner = `${indent}  `;
      return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${emit(v, inner)},`).join('\n')}\n${indent}}`;
    }
    return JSON.stringify(original);
  };
  return emit;
}

const stacks = app.node.children.filter((c): c is import('cdktf').TerraformStack => TerraformStack.isStack(c));
const imports = new Map<string, Set<string>>([['cdktf', new Set(['App', 'AssetType', 'TerraformStack', 'Token'])]]);
const stackNames = new Map(stacks.map((s, i) => [s, `stack${i}`]));
const body: string[] = [];

for (const stack of stacks) {
  const stackVar = stackNames.get(stack)!;
  body.push(`  const ${stackVar} = new TerraformStack(app, ${JSON.stringify(stack.node.id)});`);
  // Creation order, as the constructs ran: every element a config names already exists.
  const inStack = new Set(stack.node.findAll());
  const recorded = recorder.elements.filter((r: RecordedElement) => inStack.has(r.element));
  const unrecorded = stack.node
    .findAll()
    .filter((c) => c instanceof cdktf.TerraformElement && !recorder.byElement(c) && !(c instanceof cdktf.TerraformBackend));
  if (unrecorded.length) throw new Error(`Elements not made by a recorded class: ${unrecorded.map((c) => c.node.path).join(', ')}`);
  const names = new Map<unknown, string>(recorded.map((r, i) => [r.element, `${stackVar}e${i}`]));
  const emit = emitter(stack, names);
  for (const [i, r] of recorded.entries()) {
    if (!imports.has(r.modulePath)) imports.set(r.modulePath, new Set());
    imports.get(r.modulePath)!.add(r.exportName);
    const isAsset = r.element instanceof cdktf.TerraformAsset;
    // A top-level construct's logical id is its id: the same Terraform addresses and asset paths.
    const id = isAsset ? stack.getLogicalId(r.element.node) : (r.element as import('cdktf').TerraformElement).friendlyUniqueId;
    let config: string;
    if (isAsset) {
      const assetConfig = r.config as { path: string; type?: unknown };
      const relative = path.relative(repoRoot, assetConfig.path);
      config = `{ path: path.join(REPO_ROOT, ${JSON.stringify(relative)}), type: AssetType.ARCHIVE }`;
    } else {
      config = emit(r.config, '  ');
    }
    body.push(`  const ${stackVar}e${i} = new ${r.exportName}(${stackVar}, ${JSON.stringify(id)}, ${config});`);
    for (const o of r.overrides) body.push(`  ${stackVar}e${i}.addOverride(${JSON.stringify(o.path)}, ${emit(o.value, '  ')});`);
  }
  for (const dep of stack.dependencies) body.push(`  ${stackVar}.addDependency(${stackNames.get(dep)});`);
}

const importLines = [...imports.entries()]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([mod, names]) => `import { ${[...names].sort().join(', ')} } from '${mod}';`);

const out = `// @ts-nocheck -- generated by scripts/bench/generate-raw.ts; do not edit (npm run bench:raw)
/* eslint-disable */
/**
 * The examples' resources as a plain cdktf program: the same provider classes with the same config,
 * no governance library. The benchmark synthesizes it next to main.ts to price the abstraction.
 */
import * as path from 'path';
${importLines.join('\n')}

const REPO_ROOT = path.join(__dirname, '..', '..', '..');

export function rawApp(app: App): void {
${body.join('\n')}
}
`;
const target = path.join(repoRoot, 'scripts', 'bench', 'raw', 'raw-app.ts');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, out);
console.log(`wrote ${path.relative(repoRoot, target)}: ${stacks.length} stacks, ${recorder.elements.length} elements`);
