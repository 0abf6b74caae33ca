// The shared marketing/sales KPIs of one campaign (or a total), from its figures. Pure: the worked example
// of the issue is checked against it in test/unit/report-kpis.test.ts and end to end in the reporting test.

export interface CampaignFigures {
  cost: number
  leads: number
  mql: number
  sal: number
  rejected: number
  sql: number
  opportunity: number
  won: number
  /** Net revenue and production cost in EUR (credited under the chosen attribution model). */
  revenue: number
  production: number
}

export interface CampaignKpis {
  /** Cost per lead: cost / MQL. */
  costPerLead: number | null
  /** Cost per order: cost / won. */
  costPerOrder: number | null
  /** Cost per sales-qualified lead: cost / SQL. */
  costPerSql: number | null
  /** (Net revenue − production cost − campaign cost) / campaign cost. */
  roi: number | null
  conversion: { mqlToSal: number | null; salToSql: number | null; sqlToOpportunity: number | null; opportunityToWon: number | null; mqlToWon: number | null; leadToMql: number | null }
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null)

export function campaignKpis(f: CampaignFigures): CampaignKpis {
  return {
    costPerLead: ratio(f.cost, f.mql),
    costPerOrder: ratio(f.cost, f.won),
    costPerSql: ratio(f.cost, f.sql),
    roi: ratio(f.revenue - f.production - f.cost, f.cost),
    conversion: {
      leadToMql: ratio(f.mql, f.leads),
      mqlToSal: ratio(f.sal, f.mql),
      salToSql: ratio(f.sql, f.sal),
      sqlToOpportunity: ratio(f.opportunity, f.sql),
      opportunityToWon: ratio(f.won, f.opportunity),
      mqlToWon: ratio(f.won, f.mql),
    },
  }
}
