import { abSplit } from './ab-split'
import { condition } from './condition'
import { end } from './end'
import { goal } from './goal'
import { handover } from './handover'
import type { NodeType } from './node-type'
import { sendEmail } from './send-email'
import { trigger } from './trigger'
import { updateContact } from './update-contact'
import { wait } from './wait'
import { waitForEvent } from './wait-for-event'
import { waitUntil } from './wait-until'
import { webhook } from './webhook'

// The one list of node types. The designer's palette, the publish validation and the workflow all read it.
export const nodeTypes = {
  [trigger.type]: trigger,
  [sendEmail.type]: sendEmail,
  [wait.type]: wait,
  [waitForEvent.type]: waitForEvent,
  [waitUntil.type]: waitUntil,
  [condition.type]: condition,
  [abSplit.type]: abSplit,
  [updateContact.type]: updateContact,
  [webhook.type]: webhook,
  [handover.type]: handover,
  [end.type]: end,
  [goal.type]: goal,
} as Record<string, NodeType>

export function findNodeType(type: string): NodeType | undefined {
  return Object.hasOwn(nodeTypes, type) ? nodeTypes[type] : undefined
}

export { trigger, sendEmail, wait, waitForEvent, end, goal, waitUntil, condition, abSplit, updateContact, webhook, handover }
export type { NodeType, NodeOutput, StepContext, StepResult, TrackedEvent, EnrolmentRef } from './node-type'
