import type { Sql } from 'postgres'
import { attributionSettings, claimPending, countJobProgress, replaceCredits, touchesOf, type CreditRow } from '../db/attribution'
import { coalescedRounds } from '../engine/coalesced-rounds'
import type { ReportFolder } from './report-folder'
import { ATTRIBUTION_MODELS, attributeDeal, splitLike, type AttributionSettings } from './attribution'

export interface AttributionRefresher {
  /** Asks for a round now (coalesced). */
  kick(): void
  /** Runs rounds until nothing is queued; returns how many deals were (re)attributed. */
  drain(): Promise<number>
  stop(): Promise<void>
}

const PAGE = 500

/**
 * Keeps attribution credits current: deals queued in attribution_pending (by the triggers when a deal is won
 * or changed, or a touch before its close arrives late; by a recompute job for all) are attributed under
 * every model and their credits replaced, page by page, each page in one transaction. A crash loses
 * nothing: the queue rows go only with the page that replaced their credits.
 */
export function createAttributionRefresher(options: { sql: Sql; intervalMs?: number; log?: (message: string) => void; folder?: ReportFolder }): AttributionRefresher {
  const { sql } = options
  const log = options.log ?? (() => {})
  let stopped = false

  async function page(): Promise<number> {
    return sql.begin(async (sql) => {
      const deals = await claimPending(sql, PAGE)
      if (deals.length === 0) return 0
      const touches = await touchesOf(sql, [...new Set(deals.flatMap((deal) => (deal.contact_id ? [deal.contact_id] : [])))])
      const settings = new Map<string, AttributionSettings>()
      const credits: CreditRow[] = []
      const jobDone = new Map<string, number>()
      for (const deal of deals) {
        if (deal.job_id) jobDone.set(deal.job_id, (jobDone.get(deal.job_id) ?? 0) + 1)
        if (deal.stage !== 'won' || !deal.closed_on || !deal.contact_id) continue
        if (!settings.has(deal.account_id)) settings.set(deal.account_id, await attributionSettings(sql, deal.account_id))
        const closedAt = deal.closed_on.getTime()
        const day = deal.closed_on.toISOString().slice(0, 10)
        for (const model of ATTRIBUTION_MODELS) {
          const split = attributeDeal(model, touches.get(deal.contact_id) ?? [], closedAt, deal.revenue_cents, settings.get(deal.account_id)!)
          const production = splitLike(split, deal.production_cents)
          for (const credit of split) {
            credits.push({
              opportunity_id: deal.id, model, campaign_id: credit.campaignId, account_id: deal.account_id, subsidiary_id: deal.subsidiary_id, day,
              revenue_cents: credit.cents, production_cents: production.get(credit.campaignId) ?? 0, share: Number(credit.share.toFixed(10)),
            })
          }
        }
      }
      await replaceCredits(sql, deals.map((deal) => deal.id), credits)
      await countJobProgress(sql, jobDone)
      return deals.length
    })
  }

  async function round(): Promise<number> {
    let total = 0
    for (let n = await page(); n > 0 && !stopped; n = await page()) total += n
    return total
  }

  const rounds = coalescedRounds(round, {
    intervalMs: options.intervalMs ?? 2_000,
    onError: (error) => log(`attribution round failed: ${error instanceof Error ? error.message : error}`),
  })
  return {
    kick: rounds.kick,
    // Another round may be past the caller's change already: after it, one more round finds whatever is left.
    // The touches and won deals it reads come from the report folder: what is queued there is folded first.
    drain: async () => {
      await options.folder?.drain()
      await rounds.settled()
      return round()
    },
    stop: async () => {
      stopped = true
      await rounds.stop()
    },
  }
}
