import type { z } from 'zod'
import type { GraphIssue } from '../campaign/graph'
import type { EnrolmentRef, RecordStepInput, StepActivities as CampaignActivities } from './step-activities'
import { fill, type NodeUi, type UiValue } from './ui'

export type { EnrolmentRef }

/** The side effects a step may cause: Temporal activity proxies for every activity of createActivities. */
export type StepActivities = CampaignActivities

export interface NodeOutput {
  id: string
  /** English label: the node's ui.outputs words for a fixed output, else the name marketers gave it (branch, arm). */
  label: string
  /** Values for the placeholders of the output's words ({happened}, {timeout}); the designer fills them per language. */
  values?: Record<string, UiValue>
}

/** An output as a node module declares it: a fixed output takes its label from the module's ui.outputs. */
export type DeclaredOutput = Omit<NodeOutput, 'label'> & { label?: string }

/** A behaviour or business event as the enrolment workflow receives it (signal payload). */
export interface TrackedEvent {
  eventId: string
  type: string
  properties: Record<string, unknown>
  occurredAt: string
}

export type StepResult =
  | { next: string } // follow the edge leaving this output
  | { exit: string } // leave the campaign early, with the reason recorded
  | { end: true } // the flow is finished

/**
 * What a node's workflow step may use. The workflow builds it from Temporal's APIs, so node modules stay
 * free of @temporalio/workflow and the designer can import them for labels and schemas.
 */
export interface StepContext {
  enrolment: EnrolmentRef
  nodeId: string
  /** 1 on the first pass through this node; loops count up, so each pass has its own idempotency key. */
  visit: number
  activities: StepActivities
  /**
   * The step's entry, not yet recorded: for a node type that recordsOwnEntry, its first activity must
   * record it (null when the workflow recorded it already, e.g. in an enrolment that began before this).
   */
  entry: RecordStepInput | null
  /** Workflow time in epoch ms (deterministic; moves with timers, not with the wall clock). */
  now(): number
  sleep(ms: number): Promise<void>
  /** First tracked event since the enrolment's latest mail that matches, or null when the timeout passes. */
  waitForEvent(matches: (event: TrackedEvent) => boolean, timeoutMs: number): Promise<TrackedEvent | null>
  /** Behaviour from here on is attributed to the mail this step is about to send. */
  startMailAttribution(): void
  /** How many times the campaign was resumed so far; read it before asking whether the campaign is paused. */
  resumeCount(): number
  /** Returns once the campaign is resumed after `resumeCount()` was `after` (or after a while, to look again). */
  waitForResume(after: number): Promise<void>
}

export interface ValidationContext {
  templateIds: ReadonlySet<string>
  /** Contact attributes the account knows (present on its contacts). Without it, attribute names go unchecked. */
  attributes?: ReadonlySet<string>
}

export interface NodeType<Schema extends z.ZodType = z.ZodType> {
  type: string
  /** English label and description, read from `ui` (the API, the simulation and docs speak English). */
  label: string
  description: string
  /** Everything the designer shows of this node, in every UI language (./ui.ts). */
  ui: NodeUi
  /** entry: where contacts come in (one per campaign); goal: stands apart from the flow and ends it when reached. */
  category: 'entry' | 'message' | 'timing' | 'flow' | 'goal'
  configSchema: Schema
  defaults: z.input<Schema>
  /** Entry and goal nodes have no input handle. */
  hasInput: boolean
  /** Spends time (a timer or a wait for behaviour): the only kind of node allowed to close a loop. */
  waits: boolean
  outputs(config: z.output<Schema>): NodeOutput[]
  /** One line for the canvas in English, e.g. `purchase where product = HydroStat 2000` (ui.summary.en filled). */
  summary(config: z.output<Schema>): string
  /** Values for the placeholders of ui.summary: the same in every language, or Words of their own. */
  summaryValues?(config: z.output<Schema>): Record<string, UiValue>
  /** Contact attributes the node reads: publish refuses names the account has never seen (a typo, usually). */
  readsAttributes?(config: z.output<Schema>): string[]
  /** Contact attributes the node sets: a later step of the same campaign may read them. */
  writesAttributes?(config: z.output<Schema>): string[]
  /** Checks beyond the schema that need the rest of the product (templates that exist, ...). */
  validate?(config: z.output<Schema>, context: ValidationContext): Omit<GraphIssue, 'nodeId'>[]
  /**
   * The step records its own entry with its first activity (context.entry), e.g. a mail step in its send:
   * one activity task instead of the workflow's step record and then the step's activity.
   */
  recordsOwnEntry?: boolean
  /** The workflow step. Deterministic: everything with a side effect goes through context.activities. */
  step?(config: z.output<Schema>, context: StepContext): Promise<StepResult>
}

type NodeDefinition<Schema extends z.ZodType> = Omit<NodeType<Schema>, 'label' | 'description' | 'summary' | 'outputs'> & {
  outputs(config: z.output<Schema>): DeclaredOutput[]
}

/** A node type from its module's definition: its English label, description, summary and output labels are read from its ui. */
export function defineNodeType<Schema extends z.ZodType>(definition: NodeDefinition<Schema>): NodeType<Schema> {
  const { ui } = definition
  return {
    ...definition,
    label: ui.label.en,
    description: ui.description.en,
    summary: (config) => fill(ui.summary.en, definition.summaryValues?.(config) ?? {}),
    outputs: (config) =>
      definition.outputs(config).map((output) => {
        const text = ui.outputs && Object.hasOwn(ui.outputs, output.id) ? ui.outputs[output.id]!.en : undefined
        return { ...output, label: output.label ?? (text === undefined ? '' : fill(text, output.values ?? {})) }
      }),
  }
}

export const NEXT: NodeOutput = { id: 'next', label: '' }
