import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { TODAY_CONTEXT_KEY } from '../../constructs/governance/clock';
import { ensureGoverned, isGoverned } from '../../constructs/policy-engine/ensure-governed';
import { GovernanceCheckFailed, GovernedApp } from '../../constructs/policy-engine/governed-app';
import { stackSummary } from '../../constructs/policy-engine/governed-synth';
import { GovernedInferenceService } from '../../constructs/workloads/governed-inference-service';
import { environment, serviceProps, testStack, TODAY } from '../support';

/** A plain cdktf App, as `cdktf init` generates it, with a governed environment and service. */
function plainApp(overrides: Parameters<typeof serviceProps>[1] = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-app-'));
  const app = new App({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY } });
  const stack = testStack(app, 'platform-dev');
  const env = environment(stack);
  new GovernedInferenceService(stack, 'chat', serviceProps(env, overrides));
  return { app, outdir, stackDir: path.join(outdir, 'stacks', 'platform-dev') };
}

describe('governed by default: a plain App', () => {
  let log: jest.SpyInstance;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    log.mockRestore();
    warn.mockRestore();
  });

  test('becomes governed when a governed construct is created in it', () => {
    const { app } = plainApp();
    expect(isGoverned(app)).toBe(true);
  });

  test('writes governance.json and governance.md beside cdk.tf.json at synth', () => {
    const { app, stackDir } = plainApp();
    app.synth();
    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(stackDir, 'governance.json'), 'utf8')).summary.passed).toBe(true);
    expect(fs.readFileSync(path.join(stackDir, 'governance.md'), 'utf8')).toMatch(/^# Governance report: platform-dev\n/);
  });

  test('prints one summary line per stack', () => {
    const { app } = plainApp();
    app.synth();
    expect(log.mock.calls.map((c) => c[0])).toEqual([expect.stringMatching(/^platform-dev: \d+ resources; 0 errors, 0 warnings, 0 excepted; report \S+platform-dev\/governance\.md$/)]);
  });

  test('fails when a rule finds an error, and withdraws the output (never a silent pass)', () => {
    const { app, stackDir, outdir } = plainApp();
    // A change a team makes by hand: 12-hour sessions on the service's role.
    const role = app.node.findAll().find((c) => c.node.path === 'platform-dev/chat/identity/role');
    (role as unknown as { addOverride(p: string, v: unknown): void }).addOverride('max_session_duration', 43200);
    expect(() => app.synth()).toThrow(GovernanceCheckFailed);
    expect(fs.existsSync(path.join(stackDir, 'cdk.tf.json'))).toBe(false);
    expect(fs.existsSync(path.join(outdir, 'manifest.json'))).toBe(false);
  });

  test('is installed once per app', () => {
    const { app } = plainApp();
    const governedSynth = app.synth;
    ensureGoverned(app);
    expect(app.synth).toBe(governedSynth);
  });

  test('keeps a subclass synth override and runs it inside the governed synth', () => {
    const calls: string[] = [];
    class TeamApp extends App {
      synth(): void {
        calls.push('team');
        super.synth();
      }
    }
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-app-'));
    const app = new TeamApp({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY } });
    environment(testStack(app, 'platform-dev'));
    app.synth();
    expect(calls).toEqual(['team']);
    expect(fs.existsSync(path.join(outdir, 'stacks', 'platform-dev', 'governance.json'))).toBe(true);
  });

  test('leaves a GovernedApp as it is', () => {
    const app = new GovernedApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'governed-')) });
    const synth = app.synth;
    environment(testStack(app, 'platform-dev'));
    expect(app.synth).toBe(synth);
  });
});

describe('the summary line', () => {
  const evaluation = (over: object) => ({ stackName: 'product-dev', input: 'synth' as const, resourceCount: 9, findings: [], tallies: [], exceptions: [], errors: [], warnings: [], ...over });
  const finding = (status: 'cannot-verify' | 'non-compliant', level: 'error' | 'warning', excepted = false) => ({ ruleId: 'R', level, status, stackName: 'product-dev', address: 'a.b', message: 'm', fix: 'f', frameworks: [], ...(excepted ? { exceptedBy: {} } : {}) });

  test('counts resources, errors, warnings (cannot verify among them) and excepted findings', () => {
    const w = finding('cannot-verify', 'warning');
    const x = finding('non-compliant', 'error', true);
    expect(stackSummary(evaluation({ findings: [w, x], warnings: [w] }) as never, 7, path.join(process.cwd(), 'cdktf.out/stacks/product-dev/governance.md'))).toBe(
      'product-dev: 7 resources; 0 errors, 1 warning (1 cannot verify), 1 excepted; report cdktf.out/stacks/product-dev/governance.md',
    );
  });

  test('says the output was withdrawn when a finding fails', () => {
    const e = finding('non-compliant', 'error');
    expect(stackSummary(evaluation({ findings: [e], errors: [e] }) as never, 1, '/tmp/x/governance.md')).toBe('product-dev: 1 resource; 1 error, 0 warnings, 0 excepted; synthesized output withdrawn, report /tmp/x/governance.md');
  });
});
