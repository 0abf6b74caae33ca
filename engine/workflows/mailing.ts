import { condition, continueAsNew, defineQuery, defineSignal, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow'
import type { MailingActivities } from './activity-types'

/** Input of one mailing's sending. Versioned: add V2 rather than change V1. */
export interface MailingSendInputV1 {
  accountId: string
  mailingId: string
  /** When the first mail may leave (ISO); the past means now. */
  sendAt: string
}

export type MailingControl = { action: 'pause' } | { action: 'resume' } | { action: 'cancel' }
export const mailingControlSignal = defineSignal<[MailingControl]>('mailingControl')
export const mailingStateQuery = defineQuery<{ paused: boolean; cancelled: boolean; phase: string }>('mailingState')

const { prepareMailingRecipients, finishMailing } = proxyActivities<MailingActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
})
// A round sends for up to 30 s and heartbeats every 2 s: a dead worker is noticed within the heartbeat
// timeout, and the round runs again elsewhere without sending anyone a second mail (the send log).
const { sendMailingRound } = proxyActivities<MailingActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
})

// Waits are capped so a mailing whose queue changed (a retry moved a due time) looks again soon.
const LONGEST_WAIT_MS = 60_000

/**
 * Sends one mailing: waits for its send time, fixes its recipients, then sends round after round until
 * nobody is queued, sleeping until the next recipient's window opens. Pause holds it between rounds,
 * cancel drops the queue. Workflow id `mailing-<id>`. Side effects: its activities'.
 */
export async function mailingSend(input: MailingSendInputV1, carried?: { prepared: boolean; paused: boolean }): Promise<string> {
  let paused = carried?.paused ?? false
  let cancelled = false
  let phase = 'waiting'
  setHandler(mailingControlSignal, (control) => {
    if (control.action === 'pause') paused = true
    else if (control.action === 'resume') paused = false
    else cancelled = true
  })
  setHandler(mailingStateQuery, () => ({ paused, cancelled, phase }))

  if (!carried?.prepared) {
    const waitMs = Date.parse(input.sendAt) - Date.now()
    if (waitMs > 0) await condition(() => cancelled, waitMs)
    if (cancelled) return finish(true)
    phase = 'preparing'
    await prepareMailingRecipients({ mailingId: input.mailingId })
  }
  phase = 'sending'
  for (;;) {
    if (cancelled) return finish(true)
    if (paused) {
      phase = 'paused'
      await condition(() => !paused || cancelled)
      phase = 'sending'
      continue
    }
    const round = await sendMailingRound({ mailingId: input.mailingId })
    if (round.status === 'paused' && !cancelled) {
      // Paused in the database (a signal may be late): wait for the resume signal, looking again now and then.
      paused = true
      await condition(() => cancelled || !paused, LONGEST_WAIT_MS)
      paused = false
      continue
    }
    if (round.status === 'cancelled') return finish(true)
    if (round.status !== 'sending' || round.nextDueAt === null) return finish(false)
    const dueInMs = Date.parse(round.nextDueAt) - Date.now()
    if (round.handled === 0 && dueInMs > 0) await condition(() => cancelled || paused, Math.min(dueInMs, LONGEST_WAIT_MS))
    else if (round.handled === 0) await sleep(1_000)
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof mailingSend>(input, { prepared: true, paused })
  }

  async function finish(wasCancelled: boolean): Promise<string> {
    phase = wasCancelled ? 'cancelled' : 'sent'
    await finishMailing({ mailingId: input.mailingId, cancelled: wasCancelled })
    return phase
  }
}

export const mailingWorkflowId = (mailingId: string) => `mailing-${mailingId}`
