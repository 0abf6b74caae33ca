import type { EnterMailStepInput, SendOutcome, StepActivities } from '../engine/nodes/step-activities'
export type { EnterMailStepInput }

/**
 * A mail step's entry and its mail in one activity task: records the step (idempotent per step and pass),
 * then sends (at most once per enrolment, step and pass, consent checked right before SMTP, as
 * sendCampaignEmail always does). A retry repeats both safely. Built from the two activities it joins, so
 * tests that fake those get the joined one for free.
 */
export function enterMailStepWith(activities: Pick<StepActivities, 'recordStep' | 'sendCampaignEmail'>): (input: EnterMailStepInput) => Promise<SendOutcome> {
  return async (input) => {
    await activities.recordStep(input.entry)
    return activities.sendCampaignEmail(input.mail)
  }
}

/** The given step activities with enterMailStep joined from their own recordStep and sendCampaignEmail. */
export function withMailStep(activities: Omit<StepActivities, 'enterMailStep'>): StepActivities {
  return { ...activities, enterMailStep: enterMailStepWith(activities) }
}
