import { CONTROLS } from '../../frameworks';
import { cannotVerify, compliant, nonCompliant, notApplicable } from '../../rule-engine';
import { defineRule } from '../../rule-helpers';
import { isConfigured, isUnresolvedValue } from '../../terraform-json';

/** Workload roles live under /governed/; every one of them carries the environment's permission boundary. */
export const WORKLOAD_ROLE_PATH_PREFIX = '/governed/';

export const WorkloadRolePermissionBoundary = defineRule({
  id: 'WorkloadRolePermissionBoundary',
  summary: 'Workload roles (path /governed/...) carry a permissions boundary.',
  explanation:
    'The environment\'s permission boundary caps what any workload role can do, whatever policies are attached to it later, ' +
    'by hand or by mistake.',
  fix: 'Set permissions_boundary to the environment\'s permissionBoundaryArn (WorkloadIdentity does this).',
  level: 'error',
  frameworks: [CONTROLS.nhiOverprivileged, CONTROLS.asiIdentityPrivilege, CONTROLS.csfLeastPrivilege, CONTROLS.maestroSecurity],
  types: ['aws_iam_role'],
  evaluate(resource, { stack }) {
    const path = resource.values.path;
    if (isUnresolvedValue(path)) return cannotVerify('path is an expression; cannot tell whether this is a workload role');
    if (typeof path !== 'string' || !path.startsWith(WORKLOAD_ROLE_PATH_PREFIX)) return notApplicable;
    return isConfigured(stack, resource, 'permissions_boundary') ? compliant : nonCompliant(`workload role at path ${path} has no permissions_boundary`);
  },
});
