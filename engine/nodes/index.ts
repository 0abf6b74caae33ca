import { end } from './end'
import type { NodeType } from './node-type'
import { sendEmail } from './send-email'
import { trigger } from './trigger'
import { wait } from './wait'
import { waitForEvent } from './wait-for-event'

// The one list of node types. The designer's palette, the publish validation and the workflow all read it.
export const nodeTypes = {
  [trigger.type]: trigger,
  [sendEmail.type]: sendEmail,
  [wait.type]: wait,
  [waitForEvent.type]: waitForEvent,
  [end.type]: end,
} as Record<string, NodeType>

export function findNodeType(type: string): NodeType | undefined {
  return Object.hasOwn(nodeTypes, type) ? nodeTypes[type] : undefined
}

export { trigger, sendEmail, wait, waitForEvent, end }
export type { NodeType, NodeOutput, StepContext, StepResult, TrackedEvent, EnrolmentRef } from './node-type'
