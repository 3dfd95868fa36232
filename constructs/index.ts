/**
 * The package entry: re-exports the public API and nothing else (STYLE.md: index files only
 * re-export). Provider classes stay behind deep imports inside each module, so loading this file
 * loads only the provider resources the constructs use, never a provider package root.
 */

// governance
export * from './governance/accountability';
export * from './governance/arns';
export * from './governance/classification';
export * from './governance/clock';
export * from './governance/environment';
export * from './governance/gateway-routes';
export * from './governance/names';
export * from './governance/quota-tiers';
export * from './governance/errors';
export * from './governance/governance-tags';
export * from './governance/iam-actions';
export * from './governance/policy-document';
export * from './governance/revocation';
export * from './governance/rotation';
export * from './governance/tags';
export * from './governance/workload-registry';
export * from './agent-authorization/time-window';
export * from './agent-authorization/tool-grants';
export * from './agent-authorization/cedar-policies';
// rules, exceptions, report, plan review
export * from './policy-engine/governed-app';
export * from './policy-engine/governed-synth';
export * from './policy-engine/ensure-governed';
export * from './policy-engine/governance';
export * from './policy-engine/exceptions';
export * from './policy-engine/rule-engine';
export * from './policy-engine/report';
export * from './policy-engine/plan-diff';
export * from './policy-engine/terraform-json';
export * from './policy-engine/frameworks';
export * from './policy-engine/rules';
export * from './policy-engine/quotas';

// primitives
export * from './primitives/budget';
export * from './primitives/guardrail';
export * from './primitives/kubernetes-workload';
export * from './primitives/log-sink';
export * from './primitives/private-model-endpoint';
export * from './primitives/rotating-secret';
export * from './primitives/service-role';
export * from './primitives/workload-identity';
export * from './primitives/agent-policies';
export * from './primitives/route-entry';

// platform
export * from './platform/audit-sink';
export * from './platform/environment-contract';
export * from './platform/contract-schema';
export * from './platform/contract-revision';
export * from './platform/contract-postconditions';
export * from './platform/pinned-contract';
export * from './platform/environment-key';
export * from './platform/environment-props';
export * from './platform/platform-revocations';
export * from './platform/gateway';
export * from './platform/governed-environment';
export * from './platform/interface-endpoints';
export * from './platform/account-settings';
export * from './platform/agent-policy-store';
export * from './platform/approver-keys';
export * from './platform/gateway-function';
export * from './platform/integration-boundary';
export * from './platform/platform-boundary';
export * from './platform/permission-boundary';
export * from './platform/rotation-function';
export * from './platform/ci-identities';
export * from './platform/deployment-teams';
export * from './platform/deployment-roles';

// workloads
export * from './workloads/governed-inference-service';
export * from './workloads/inference-service-props';
export * from './workloads/governed-agent';
export * from './workloads/agent-props';

// ready compositions
export * from '../stacks/platform-stack';
export * from '../stacks/workload-stack';
export * from '../stacks/app-options';
