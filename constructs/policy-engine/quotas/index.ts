/** The service quota model: the table, the counter and raised quotas. This file only re-exports. */
export type { Contribution, Measure, QuotaDefinition, QuotaScope, QuotaUnit, ScopeInstance, Unmeasured } from './quota-definition';
export { QUOTA_RESOURCE_TYPES, quotaById, SERVICE_QUOTAS, type QuotaId } from './quota-table';
export { formatCount, formatPercent, peakUsage, quotaUsage, type LimitSource, type QuotaReport, type QuotaUsage, type QuotaUsageOptions } from './quota-usage';
export { declaredQuotas, parseQuotaArguments, raisedQuotaProblems, raisedQuotasProblems, type RaisedQuotas } from './raised-quotas';
