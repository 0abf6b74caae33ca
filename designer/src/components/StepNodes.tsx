import { Handle, Position, useNodeConnections, type NodeProps, type NodeTypes } from '@xyflow/react'
import { memo, useMemo } from 'react'
import type { NodeOutput } from '../../../engine/nodes'
import type { CampaignFlowNode, EntryStepNode, FlowStepNode, GoalStepNode, MessageStepNode, TimingStepNode, UnknownStepNode } from '../graph-mapping'
import { useDesigner } from '../designer-context'
import { translate, useLanguage } from '../i18n'
import { passedThrough } from '../live'
import { StepRates } from '../reports/StepRates'
import { describeStep, type CanvasCategory } from '../steps'

// One component per step category. Label, summary, input handle and the labelled output handles all
// come from the node type registry (describeStep) in the chosen language, so the node shows exactly what the engine will run.

function OutputHandle({ output }: { output: NodeOutput }) {
  // One edge per output: a connected output stops offering new connections.
  const connections = useNodeConnections({ handleType: 'source', handleId: output.id })
  return (
    <div className="step__output" data-output-id={output.id}>
      {output.label && <span className="step__output-label">{output.label}</span>}
      <Handle type="source" position={Position.Bottom} id={output.id} isConnectable={connections.length === 0} className="step__handle" />
    </div>
  )
}

interface StepCardProps {
  id: string
  data: CampaignFlowNode['data']
  selected: boolean
  category: CanvasCategory
  /** For steps the registry does not know: the outputs their edges use, so those edges stay drawn. */
  fallbackOutputs?: NodeOutput[]
}

/** Waiting / passed-through counts of the live view; strings, so a poll with the same numbers re-renders nothing. */
function LiveCounts({ id }: { id: string }) {
  const language = useLanguage((state) => state.language)
  const counts = useDesigner((state) => {
    if (!state.live || state.readOnly) return null
    const step = state.live.steps[id]
    return `${step?.waiting ?? 0}/${passedThrough(step)}`
  })
  if (counts === null) return null
  const [waiting, passed] = counts.split('/')
  return (
    <div className="step__live" data-testid="step-live" data-waiting={waiting} data-passed={passed}>
      <span className="step__live-waiting">{translate(language, 'live.waiting', { n: waiting! })}</span>
      <span className="step__live-passed">{translate(language, 'live.passed', { n: passed! })}</span>
    </div>
  )
}

function StepCard({ id, data, selected, category, fallbackOutputs = [] }: StepCardProps) {
  const language = useLanguage((state) => state.language)
  const view = useMemo(() => describeStep(data.stepType, data.config, language), [data.stepType, data.config, language])
  // Joined into one string so that each step re-renders only when its own issues change.
  const issues = useDesigner((state) => state.check.byNode[id]?.join('\n') ?? '')
  const highlighted = useDesigner((state) => state.highlight?.nodeIds.includes(id) ?? false)
  const outputs = view.known ? view.outputs : fallbackOutputs
  return (
    <div
      className={`step step--${category}${selected ? ' step--selected' : ''}${issues ? ' step--invalid' : ''}${highlighted ? ' step--highlighted' : ''}`}
      data-testid="campaign-node"
      data-node-id={id}
      data-step-type={data.stepType}
      data-invalid={issues ? 'true' : undefined}
      data-highlighted={highlighted ? 'true' : undefined}
      title={view.description}
    >
      {view.hasInput && <Handle type="target" position={Position.Top} className="step__handle" />}
      <div className="step__body">
        <div className="step__label">
          {view.label}
          <span className="step__id">{id}</span>
        </div>
        <div className="step__summary">{view.summary}</div>
        {issues && (
          <div className="step__marker" data-testid="step-issue" title={issues}>
            ⚠ {issues.split('\n')[0]}
          </div>
        )}
        <LiveCounts id={id} />
        <StepRates id={id} />
      </div>
      {outputs.length > 0 && (
        <div className={`step__outputs${outputs.length === 1 && !outputs[0]!.label ? ' step__outputs--bare' : ''}`}>
          {outputs.map((output) => (
            <OutputHandle key={output.id} output={output} />
          ))}
        </div>
      )}
    </div>
  )
}

export const EntryNode = memo(function EntryNode({ id, data, selected }: NodeProps<EntryStepNode>) {
  return <StepCard id={id} data={data} selected={selected} category="entry" />
})

export const MessageNode = memo(function MessageNode({ id, data, selected }: NodeProps<MessageStepNode>) {
  return <StepCard id={id} data={data} selected={selected} category="message" />
})

export const TimingNode = memo(function TimingNode({ id, data, selected }: NodeProps<TimingStepNode>) {
  return <StepCard id={id} data={data} selected={selected} category="timing" />
})

export const FlowNode = memo(function FlowNode({ id, data, selected }: NodeProps<FlowStepNode>) {
  return <StepCard id={id} data={data} selected={selected} category="flow" />
})

export const GoalNode = memo(function GoalNode({ id, data, selected }: NodeProps<GoalStepNode>) {
  return <StepCard id={id} data={data} selected={selected} category="goal" />
})

export const UnknownNode = memo(function UnknownNode({ id, data, selected }: NodeProps<UnknownStepNode>) {
  const connections = useNodeConnections({ handleType: 'source' })
  const outputs = useMemo(
    () => [...new Set(connections.map((connection) => connection.sourceHandle ?? 'next'))].map((output) => ({ id: output, label: output })),
    [connections],
  )
  return <StepCard id={id} data={data} selected={selected} category="unknown" fallbackOutputs={outputs} />
})

/** Keys are the flow node types toFlow assigns (the registry categories). Defined once, at module level. */
export const flowNodeTypes = {
  entry: EntryNode,
  message: MessageNode,
  timing: TimingNode,
  flow: FlowNode,
  goal: GoalNode,
  unknown: UnknownNode,
} satisfies NodeTypes

export const CATEGORY_COLOURS: Record<CanvasCategory, string> = {
  entry: '#16a34a',
  message: '#2563eb',
  timing: '#d97706',
  flow: '#6b7280',
  goal: '#7c3aed',
  unknown: '#dc2626',
}
