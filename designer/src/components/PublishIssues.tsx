import { useReactFlow } from '@xyflow/react'
import type { GraphIssue } from '../../../engine/campaign/graph'
import { useDesigner } from '../designer-context'

const FOCUS = { duration: 400, maxZoom: 1.2, padding: 0.6 }

/** What keeps the draft from being published; each issue that names a step selects and centres it. */
export function PublishIssues() {
  const publish = useDesigner((state) => state.publish)
  const edges = useDesigner((state) => state.edges)
  const selectStep = useDesigner((state) => state.selectStep)
  const selectConnection = useDesigner((state) => state.selectConnection)
  const dismiss = useDesigner((state) => state.dismissPublishResult)
  const { fitView } = useReactFlow()

  if (publish.kind !== 'rejected') return null

  const focus = (issue: GraphIssue) => {
    if (issue.nodeId) {
      selectStep(issue.nodeId)
      void fitView({ ...FOCUS, nodes: [{ id: issue.nodeId }] })
      return
    }
    const edge = edges.find((candidate) => candidate.id === issue.edgeId)
    if (edge) {
      selectConnection(edge.id)
      void fitView({ ...FOCUS, nodes: [{ id: edge.source }, { id: edge.target }] })
    }
  }

  return (
    <section className="issues" data-testid="publish-issues" aria-label="Publish issues">
      <header className="issues__header">
        <span>
          Not published: {publish.issues.length} {publish.issues.length === 1 ? 'issue' : 'issues'} to fix
        </span>
        <button type="button" className="issues__close" onClick={dismiss} aria-label="Close">
          ×
        </button>
      </header>
      <ul className="issues__list">
        {publish.issues.map((issue, index) => {
          const clickable = Boolean(issue.nodeId || edges.some((edge) => edge.id === issue.edgeId))
          return (
            <li key={index}>
              <button
                type="button"
                className="issues__item"
                data-testid="publish-issue"
                data-node-id={issue.nodeId}
                disabled={!clickable}
                onClick={() => focus(issue)}
              >
                <span className="issues__message">{issue.message}</span>
                {(issue.nodeId || issue.field) && (
                  <span className="issues__where">{[issue.nodeId && `step ${issue.nodeId}`, issue.field].filter(Boolean).join(' · ')}</span>
                )}
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
