import { Construct } from 'constructs';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { checkEmailList } from '../governance/emails';
import { ProblemCollector } from '../governance/errors';
import { TAG_KEYS } from '../governance/tags';

export interface BudgetProps {
  readonly name: string;
  readonly workload: string;
  /** Monthly limit in USD. */
  readonly monthlyUsd: number;
  /** Lower-cased once (emails.ts); the same address twice in any case is refused. */
  readonly alertEmails: readonly string[];
  readonly tags: Record<string, string>;
}

/** AWS Budgets accepts at most 10 e-mail subscribers per notification. */
export const MAX_ALERT_EMAILS = 10;

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
    const problems = new ProblemCollector(this.node.path);
    problems.check(typeof props.monthlyUsd === 'number' && Number.isFinite(props.monthlyUsd) && props.monthlyUsd > 0, 'monthlyUsd', props.monthlyUsd, 'a finite positive amount in USD (a number)', 'set the monthly budget, e.g. 200');
    const emails = props.alertEmails;
    const countOk = Array.isArray(emails) && emails.length >= 1 && emails.length <= MAX_ALERT_EMAILS;
    problems.check(countOk, 'alertEmails', emails, `a list of 1 to ${MAX_ALERT_EMAILS} e-mail addresses (the AWS Budgets limit)`, 'name who is alerted; alert a team mailing list rather than many people');
    const subscribers = countOk ? checkEmailList(problems, 'alertEmails', emails, 'fix the address') : [];
    problems.throwIfAny();
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
        subscriberEmailAddresses: subscribers,
      })),
      tags: props.tags,
    });
  }
}
