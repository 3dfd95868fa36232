import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isConfigured, numberValue } from '../../terraform-json';

/** Log groups are encrypted with a customer managed key and keep logs for a stated period. */
export const LogGroupEncryptedAndRetained = defineRule({
  id: 'LogGroupEncryptedAndRetained',
  summary: 'CloudWatch log groups have a KMS key and an explicit retention.',
  explanation:
    'Prompts, tool calls and decisions land in logs: they need the environment key, and a retention the environment ' +
    'chose rather than the default of keeping everything forever unencrypted by a key you control.',
  fix: 'Set kms_key_id to the environment key and retention_in_days to the environment\'s retention (LogSink does this).',
  level: 'error',
  frameworks: [CONTROLS.csfLogging, CONTROLS.csfDataAtRest, CONTROLS.rmfIncidents, CONTROLS.maestroObservability],
  types: ['aws_cloudwatch_log_group'],
  evaluate(resource, { stack }) {
    const problems: string[] = [];
    if (!isConfigured(stack, resource, 'kms_key_id')) problems.push('kms_key_id is not set');
    const retention = numberValue(resource.values.retention_in_days);
    if (retention === undefined || retention === 0) problems.push('retention_in_days is not set (logs never expire)');
    if (problems.length) return nonCompliant(problems.join('; '));
    if (retention === 'unresolved') return cannotVerify('retention_in_days is an expression');
    return compliant;
  },
});
