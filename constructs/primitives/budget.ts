import { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { TAG_KEYS } from '../governance/tags';

export interface BudgetProps {
  readonly name: string;
  readonly workload: string;
  /** Monthly limit in USD. */
  readonly monthlyUsd: number;
  readonly alertEmails: readonly string[];
  readonly tags: Record<string, string>;
}

/** Alert thresholds in percent of the monthly limit: actual spend, then forecast. */
export const BUDGET_ALERTS = [
  { threshold: 80, type: 'ACTUAL' },
  { threshold: 100, type: 'ACTUAL' },
  { threshold: 100, type: 'FORECASTED' },
] as const;

/**
 * A monthly cost budget over everything tagged with the workload's name (the governance tag must
 * be activated as a cost allocation tag), with e-mail alerts on actual and forecast spend.
 */
export class Budget extends Construct {
  public readonly budget: BudgetsBudget;

  constructor(scope: Construct, id: string, props: BudgetProps) {
    super(scope, id);
    this.budget = new BudgetsBudget(this, 'budget', {
      name: props.name,
      budgetType: 'COST',
      timeUnit: 'MONTHLY',
      limitAmount: props.monthlyUsd.toFixed(2),
      limitUnit: 'USD',
      costFilter: [{ name: 'TagKeyValue', values: [`user:${TAG_KEYS.workload}$${props.workload}`] }],
      notification: BUDGET_ALERTS.map((a) => ({
        comparisonOperator: 'GREATER_THAN',
        threshold: a.threshold,
        thresholdType: 'PERCENTAGE',
        notificationType: a.type,
        subscriberEmailAddresses: [...props.alertEmails],
      })),
      tags: props.tags,
    });
  }
}
