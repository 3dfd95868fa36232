/**
 * The rule pack, grouped by what each rule protects (one folder per group, one file per rule, as
 * cdk-nag groups its rules by service category). This file only re-exports.
 */
export * from './capacity';
export * from './data-protection';
export * from './governance';
export * from './identity';
export * from './kubernetes';
export * from './logging';
export * from './models';
export * from './network';
export * from './secrets';
export { GOVERNANCE_RULES } from './pack';
