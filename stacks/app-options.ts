import type { AppConfig } from 'cdktf';

/** Set to 1 to record a stack trace with every annotation (warning, error) while debugging. */
export const STACK_TRACES_ENV = 'CDKTF_STACK_TRACES';

/**
 * The App options every entry point uses. cdktf records a full stack trace with every
 * annotation unless told not to; normal synth does without them, `CDKTF_STACK_TRACES=1` brings
 * them back for debugging.
 */
export function appOptions(env: NodeJS.ProcessEnv = process.env): Pick<AppConfig, 'stackTraces'> {
  return { stackTraces: env[STACK_TRACES_ENV] === '1' };
}
