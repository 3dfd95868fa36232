import type { AppConfig } from 'cdktf';

/** Set to 1 to record stack traces (annotations and token creation) while debugging. */
export const STACK_TRACES_ENV = 'CDKTF_STACK_TRACES';

/**
 * cdktf 0.21 captures an unbounded stack trace for every token it creates (Intrinsic and Lazy
 * call captureStackTrace unconditionally; it only shows in token error messages). Profiled at 300
 * workloads it was 18 % of synth time. Both token classes read the function from this module's
 * exports at call time, so replacing it there turns the traces off process-wide.
 */
function disableTokenStackTraces(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- cdktf's private module, on purpose
  const traces = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  traces.captureStackTrace = () => [];
}

/**
 * The App options every entry point uses: no stack traces for annotations or tokens in normal
 * synth; `CDKTF_STACK_TRACES=1` brings them back for debugging.
 */
export function appOptions(env: NodeJS.ProcessEnv = process.env): Pick<AppConfig, 'stackTraces'> {
  const traces = env[STACK_TRACES_ENV] === '1';
  if (!traces) disableTokenStackTraces();
  return { stackTraces: traces };
}
