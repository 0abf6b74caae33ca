import { condition, defineQuery, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow'
import type { LeadActivities } from './activity-types'

/** Input of one handover (one contact, one qualification). Versioned: add V2 rather than change V1. */
export interface HandoverInputV1 {
  handoverId: string
  accountId: string
  contactId: string
  qualification: number
  /** How long the rep has before a reminder; as long again before the manager is told. */
  slaMs: number
}

export type HandoverDecision = 'accepted' | 'rejected'

export interface HandoverState {
  phase: 'routing' | 'waiting' | 'reminded' | 'escalated' | 'decided'
  decision: HandoverDecision | null
  crm: 'pending' | 'delivered' | 'failed' | 'not_configured'
}

/** The API tells the workflow the rep's answer (after committing it), so reminders stop. */
export const handoverDecisionSignal = defineSignal<[{ decision: HandoverDecision }]>('handoverDecision')
export const handoverStateQuery = defineQuery<HandoverState>('handoverState')

const { routeHandover, exitNurtureEnrolments, sendHandoverMail, handoverStatus } = proxyActivities<LeadActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
})
// The CRM may be down for a while: growing pauses (2 s, 4 s … 10 min), then the failure is recorded.
const crm = proxyActivities<LeadActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 10 },
})
const { recordCrmFailure } = proxyActivities<LeadActivities>({ startToCloseTimeout: '30 seconds' })

// A decision signal lost on the way (API crashed after the commit) is found by looking at Postgres now and then.
const RECHECK_MS = 24 * 3_600_000

/**
 * One sales handover: route to a rep, take the contact out of nurture campaigns, mail the dossier to the
 * rep and their manager, push it to the CRM, then wait for the rep's answer: no answer within the SLA
 * reminds the rep, as long again tells the manager. Its id (handover-<contact>-<n>) makes it run once per
 * qualification; mails are sent at most once per handover, kind and recipient (handover_mails).
 */
export async function leadHandover(input: HandoverInputV1): Promise<HandoverState> {
  const state: HandoverState = { phase: 'routing', decision: null, crm: 'pending' }
  setHandler(handoverDecisionSignal, ({ decision }) => {
    state.decision ??= decision
  })
  setHandler(handoverStateQuery, () => state)
  const { handoverId } = input

  await routeHandover({ handoverId })
  await exitNurtureEnrolments({ handoverId })
  await sendHandoverMail({ handoverId, kind: 'report' })
  state.phase = 'waiting'
  const pushed = crm
    .pushHandoverToCrm({ handoverId })
    .then((outcome) => void (state.crm = outcome))
    .catch(async (error: unknown) => {
      state.crm = 'failed'
      await recordCrmFailure({ handoverId, error: String((error as { cause?: unknown }).cause ?? error) })
    })

  const decided = async (timeoutMs: number) => {
    if (await condition(() => state.decision !== null, timeoutMs)) return true
    const stored = await handoverStatus({ handoverId })
    if (stored !== 'open') state.decision = stored
    return state.decision !== null
  }
  if (!(await decided(input.slaMs))) {
    await sendHandoverMail({ handoverId, kind: 'reminder' })
    state.phase = 'reminded'
    if (!(await decided(input.slaMs))) {
      await sendHandoverMail({ handoverId, kind: 'escalation' })
      state.phase = 'escalated'
      while (!(await decided(RECHECK_MS)));
    }
  }
  state.phase = 'decided'
  await pushed
  return state
}
