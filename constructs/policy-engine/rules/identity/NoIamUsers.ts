import { CONTROLS } from '../../frameworks';
import { nonCompliant } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';

/** Workloads use roles with short-lived credentials: no IAM users, no long-lived access keys. */
export const NoIamUsers = defineRule({
  id: 'NoIamUsers',
  summary: 'No IAM users, user policies or access keys.',
  explanation:
    'IAM users and access keys are long-lived credentials that outlive the task they were made for; ' +
    'a leaked key is standing access. Workloads get a role with sessions of at most one hour.',
  fix: 'Replace the user with a WorkloadIdentity role (EKS Pod Identity or a service principal) and delete the access key.',
  level: 'error',
  frameworks: [CONTROLS.nhiLongLivedSecrets, CONTROLS.nhiOffboarding, CONTROLS.csfIdentities, CONTROLS.maestroInfrastructure],
  types: [
    'aws_iam_user',
    'aws_iam_access_key',
    'aws_iam_user_policy',
    'aws_iam_user_policy_attachment',
    'aws_iam_user_login_profile',
    'aws_iam_user_group_membership',
    'aws_iam_user_ssh_key',
    'aws_iam_service_specific_credential',
    'aws_iam_signing_certificate',
  ],
  evaluate(resource) {
    return nonCompliant(`${resource.type} creates or grants a long-lived IAM user credential`);
  },
});
