import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  type Connection,
  type Edge,
  type FinalConnectionState,
} from '@xyflow/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useDesigner } from '../designer-context'
import { connectionProblem, isValidConnection, type CampaignFlowEdge, type CampaignFlowNode } from '../graph-mapping'
import { Palette } from './Palette'
import { CATEGORY_COLOURS, flowNodeTypes } from './StepNodes'

const DELETE_KEYS = ['Delete', 'Backspace']
const SNAP_GRID: [number, number] = [10, 10]
const snap = (value: number) => Math.round(value / SNAP_GRID[0]) * SNAP_GRID[0]
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 }
const minimapColour = (node: CampaignFlowNode) => CATEGORY_COLOURS[node.type ?? 'unknown']

export function Canvas() {
  const nodes = useDesigner((state) => state.nodes)
  const edges = useDesigner((state) => state.edges)
  const changeNodes = useDesigner((state) => state.changeNodes)
  const changeEdges = useDesigner((state) => state.changeEdges)
  const connect = useDesigner((state) => state.connect)
  const addStep = useDesigner((state) => state.addStep)
  const { screenToFlowPosition } = useReactFlow()
  const wrapper = useRef<HTMLDivElement>(null)
  const [hint, setHint] = useState<string | null>(null)

  useEffect(() => {
    if (!hint) return
    const timer = setTimeout(() => setHint(null), 4000)
    return () => clearTimeout(timer)
  }, [hint])

  const checkConnection = useCallback(
    (connection: Connection | Edge) => isValidConnection(connection, nodes, edges),
    [nodes, edges],
  )

  const onConnect = useCallback((connection: Connection) => setHint(connect(connection)), [connect])

  // A refused drop says why, instead of the line silently snapping back.
  const onConnectEnd = useCallback(
    (_event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode) return
      const fromSource = state.fromHandle.type === 'source'
      const attempt = fromSource
        ? { source: state.fromNode.id, sourceHandle: state.fromHandle.id, target: state.toNode.id }
        : { source: state.toNode.id, sourceHandle: state.toHandle?.id, target: state.fromNode.id }
      setHint(connectionProblem(attempt, nodes, edges))
    },
    [nodes, edges],
  )

  // A new step goes below the selected one (ready to be connected), else near the middle of the view.
  const onAdd = useCallback(
    (stepType: string) => {
      const anchor = nodes.find((node) => node.selected)
      if (anchor) {
        const below = anchor.position.y + (anchor.measured?.height ?? 80) + 60
        addStep(stepType, { x: snap(anchor.position.x), y: snap(below) })
        return
      }
      const bounds = wrapper.current?.getBoundingClientRect()
      const centre = bounds ? { x: bounds.left + bounds.width / 2, y: bounds.top + bounds.height / 3 } : { x: 0, y: 0 }
      // Fan out a little so several clicks do not stack steps exactly on top of each other.
      const offset = (nodes.length % 5) * 20
      const position = screenToFlowPosition({ x: centre.x + offset, y: centre.y + offset }, { snapToGrid: true, snapGrid: SNAP_GRID })
      addStep(stepType, position)
    },
    [addStep, nodes, screenToFlowPosition],
  )

  return (
    <div className="canvas" ref={wrapper}>
      <ReactFlow<CampaignFlowNode, CampaignFlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={flowNodeTypes}
        onNodesChange={changeNodes}
        onEdgesChange={changeEdges}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        isValidConnection={checkConnection}
        connectionLineType={ConnectionLineType.SmoothStep}
        deleteKeyCode={DELETE_KEYS}
        snapToGrid
        snapGrid={SNAP_GRID}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.2}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cfd2d8" />
        <Controls showInteractive={false} />
        <MiniMap<CampaignFlowNode> pannable zoomable nodeColor={minimapColour} nodeStrokeWidth={2} />
        <Panel position="top-left">
          <Palette onAdd={onAdd} />
        </Panel>
        {hint && (
          <Panel position="bottom-center">
            <div className="canvas__hint" role="status">
              {hint}
            </div>
          </Panel>
        )}
      </ReactFlow>
    </div>
  )
}
