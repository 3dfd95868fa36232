import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { TODAY_CONTEXT_KEY } from '../../constructs/governance/clock';
import { GovernanceValidationError } from '../../constructs/governance/errors';
import { TODAY } from '../support';

/**
 * One bad input of the hardening matrix: how to build it into an app, and the four parts its one
 * error must carry (construct path, value given, what is allowed, the fix).
 */
export interface BadInput {
  /** Completes "fails when ...". */
  readonly when: string;
  /** Declares the bad input in a fresh app (which is then synthesized, as main.ts would). */
  readonly build: (app: App) => void;
  /** Construct path the error names. */
  readonly path: string;
  /** The prop, dotted, as the error names it. */
  readonly prop: string;
  /** The value given, rendered as the error renders it (`"Dev"`, `nothing`, `[]`). */
  readonly value: string;
  readonly allowed: RegExp;
  readonly fix: RegExp;
  /** App context on top of the pinned today. */
  readonly context?: Record<string, unknown>;
  /**
   * Further faults of the same input, each its own problem in the same one error (a URL that both
   * carries a key and points at localhost). Without it, the error has exactly one problem.
   */
  readonly also?: readonly ExpectedProblem[];
  /** Values the input carries that the error must never echo (a password, a key in a query). */
  readonly secrets?: readonly string[];
}

/** One more problem a {@link BadInput} must report: prop and value as rendered, what is allowed, the fix. */
export interface ExpectedProblem {
  readonly prop: string;
  readonly value: string;
  readonly allowed: RegExp;
  readonly fix: RegExp;
}

export interface Outcome {
  readonly error: unknown;
  /** Files the failed run left in the app's outdir. */
  readonly written: string[];
}

/** Builds and synthesizes a bad input into a temporary outdir; returns what was thrown and what was written. */
export function runBadInput(row: Pick<BadInput, 'build' | 'context'>): Outcome {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-input-'));
  try {
    const app = new App({ outdir, context: { [TODAY_CONTEXT_KEY]: TODAY, ...row.context } });
    let error: unknown;
    try {
      row.build(app);
      app.synth();
    } catch (e) {
      error = e;
    }
    return { error, written: listFiles(outdir) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p).map((f) => path.join(e.name, f)) : [e.name];
  });
}

/** The first stack frame of an error: where it was thrown. */
export function thrownFrom(error: Error): string {
  return (error.stack ?? '').split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
}

export function asValidationError(error: unknown): GovernanceValidationError {
  if (!(error instanceof GovernanceValidationError)) {
    const e = error as Error | undefined;
    throw new Error(`expected one GovernanceValidationError, got ${e ? `${e.name}: ${e.message}\n${e.stack}` : 'no error at all (the bad input was accepted)'}`);
  }
  return error;
}

/** Escapes a literal for a RegExp. */
export function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
