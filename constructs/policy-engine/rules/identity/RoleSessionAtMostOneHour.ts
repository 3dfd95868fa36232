import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { numberValue } from '../../terraform-json';

export const MAX_SESSION_SECONDS = 3600;

/** Role sessions last at most one hour (the AWS default is one hour; longer is a choice). */
export const RoleSessionAtMostOneHour = defineRule({
  id: 'RoleSessionAtMostOneHour',
  summary: 'IAM roles allow sessions of at most one hour.',
  explanation: 'Short-lived credentials limit how long a stolen session stays useful; workload identities need no more than an hour.',
  fix: 'Remove max_session_duration or set it to 3600 or less.',
  level: 'error',
  frameworks: [CONTROLS.nhiLongLivedSecrets, CONTROLS.csfIdentities, CONTROLS.maestroInfrastructure],
  types: ['aws_iam_role'],
  evaluate(resource) {
    const v = numberValue(resource.values.max_session_duration);
    if (v === undefined) return compliant;
    if (v === 'unresolved') return cannotVerify('max_session_duration is an expression');
    return v <= MAX_SESSION_SECONDS ? compliant : nonCompliant(`max_session_duration ${v} is more than ${MAX_SESSION_SECONDS} seconds`);
  },
});
