/**
 * @module dashboard/views/budget-model
 * A budget as `GET /admin/budgets` returns it, its id in the page (also the alerts view's link
 * target) and its name in words.
 */
export interface Budget {
  scope: 'tenant' | 'key';
  tenant: string;
  key: string | null;
  key_name: string | null;
  metric: 'cost_usd' | 'tokens';
  window: 'day' | 'month';
  period: string;
  period_start: string;
  period_end: string;
  time_zone: string;
  limit: string | number;
  spent: string | number;
  remaining: string | number;
  percent_used: number;
  burn_rate_per_day: string | number;
  projected: string | number;
  projected_percent: number;
  runs_out_at: string | null;
  exhausted: boolean;
}

export const budgetId = (budget: Pick<Budget, 'scope' | 'tenant' | 'key' | 'metric' | 'window'>) =>
  `${budget.scope}:${budget.key ?? budget.tenant}:${budget.metric}:${budget.window}`;

export const describe = (budget: Budget) => `${budget.window === 'month' ? 'monthly' : 'daily'} ${budget.metric === 'cost_usd' ? 'spend' : 'token'} budget`;
