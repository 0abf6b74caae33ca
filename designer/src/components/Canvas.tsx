import {
  Background,
  BackgroundVariant,
  ConnectionLineType,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useReactFlow,
  useStore,
  type Connection,
  type Edge,
  type FinalConnectionState,
} from '@xyflow/react'
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react'
import { useDesigner } from '../designer-context'
import { connectionProblem, isValidConnection, type CampaignFlowEdge, type CampaignFlowNode } from '../graph-mapping'
import { useLanguage, useT } from '../i18n'
import { branchShare } from '../live'
import { describeStep, type StepView } from '../steps'
import { CanvasToolbar } from './CanvasToolbar'
import { Palette, STEP_DRAG_TYPE } from './Palette'
import { CATEGORY_COLOURS, flowNodeTypes } from './StepNodes'
import { useShortcuts } from './shortcuts'

const DELETE_KEYS = ['Delete', 'Backspace']
const SNAP_GRID: [number, number] = [10, 10]
const snap = (value: number) => Math.round(value / SNAP_GRID[0]) * SNAP_GRID[0]
const FIT_VIEW_OPTIONS = { padding: 0.2, maxZoom: 1 }
/** Below this zoom a step's text is a few pixels high: it is not drawn (nor rasterised while panning). */
const FAR_ZOOM = 0.35
const isFar = (state: { transform: [number, number, number] }) => state.transform[2] < FAR_ZOOM
const minimapColour = (node: CampaignFlowNode) => CATEGORY_COLOURS[node.type ?? 'unknown']

/** Edges as drawn: branch labels in the chosen language, branch splits of the live view, a highlighted path in colour. */
function useDisplayedEdges(stored: CampaignFlowEdge[], nodes: CampaignFlowNode[]): CampaignFlowEdge[] {
  const live = useDesigner((state) => (state.readOnly ? null : state.live))
  const highlight = useDesigner((state) => state.highlight)
  const language = useLanguage((state) => state.language)
  // The store keeps English labels (graph-mapping.ts); another language relabels them from the node modules.
  // Views are cached per step data, so dragging (new node objects, same data) describes nothing again.
  const views = useMemo(() => new WeakMap<object, StepView>(), [language])
  const edges = useMemo(() => {
    if (language === 'en') return stored
    const byId = new Map(nodes.map((node) => [node.id, node.data]))
    const viewOf = (data: CampaignFlowNode['data']) => {
      let view = views.get(data)
      if (!view) views.set(data, (view = describeStep(data.stepType, data.config, language)))
      return view
    }
    return stored.map((edge) => {
      const data = edge.label ? byId.get(edge.source) : undefined
      const label = data && viewOf(data).outputs.find((output) => output.id === (edge.sourceHandle ?? 'next'))?.label
      return label && label !== edge.label ? { ...edge, label } : edge
    })
  }, [stored, nodes, language, views])
  const outputCount = useMemo(() => {
    if (!live) return null
    return new Map(nodes.map((node) => [node.id, describeStep(node.data.stepType, node.data.config).outputs.length]))
  }, [live, nodes])
  return useMemo(() => {
    if (!live && !highlight) return edges
    const path = new Set(highlight?.nodeIds ?? [])
    return edges.map((edge) => {
      const share = live && outputCount ? branchShare(edge, live.steps[edge.source], outputCount.get(edge.source) ?? 0) : null
      const onPath = path.has(edge.source) && path.has(edge.target)
      if (!share && !onPath) return edge
      return { ...edge, ...(share ? { label: share } : {}), ...(onPath ? { className: 'edge--highlighted', animated: true } : {}) }
    })
  }, [edges, live, highlight, outputCount])
}

export function Canvas() {
  const nodes = useDesigner((state) => state.nodes)
  const edges = useDesigner((state) => state.edges)
  const readOnly = useDesigner((state) => state.readOnly)
  const changeNodes = useDesigner((state) => state.changeNodes)
  const changeEdges = useDesigner((state) => state.changeEdges)
  const connect = useDesigner((state) => state.connect)
  const addStep = useDesigner((state) => state.addStep)
  const checkpoint = useDesigner((state) => state.checkpoint)
  const { screenToFlowPosition } = useReactFlow()
  const wrapper = useRef<HTMLDivElement>(null)
  const [hint, setHint] = useState<string | null>(null)
  const t = useT()
  const displayedEdges = useDisplayedEdges(edges, nodes)
  // A boolean: the canvas re-renders when the zoom crosses the threshold, not on every pan or zoom step.
  const far = useStore(isFar)
  // Fit the view to the steps a campaign opens with; an empty one keeps zoom 1, so that the first step
  // dropped stays where it was dropped instead of the view jumping to it.
  const [fitOnOpen] = useState(() => nodes.length > 0)
  useShortcuts()

  useEffect(() => {
    if (!hint) return
    const timer = setTimeout(() => setHint(null), 4000)
    return () => clearTimeout(timer)
  }, [hint])

  const checkConnection = useCallback((connection: Connection | Edge) => isValidConnection(connection, nodes, edges), [nodes, edges])

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

  // A clicked palette item goes below the selected step (ready to be connected), else near the middle of the view.
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
      addStep(stepType, screenToFlowPosition({ x: centre.x + offset, y: centre.y + offset }, { snapToGrid: true, snapGrid: SNAP_GRID }))
    },
    [addStep, nodes, screenToFlowPosition],
  )

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(STEP_DRAG_TYPE)) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
  }, [])

  // A step dragged from the palette lands where it is dropped (its top-left corner under the pointer, less a little).
  const onDrop = useCallback(
    (event: DragEvent) => {
      const stepType = event.dataTransfer.getData(STEP_DRAG_TYPE)
      if (!stepType) return
      event.preventDefault()
      const point = screenToFlowPosition({ x: event.clientX - 60, y: event.clientY - 20 }, { snapToGrid: true, snapGrid: SNAP_GRID })
      addStep(stepType, point)
    },
    [addStep, screenToFlowPosition],
  )

  const onNodeDragStart = useCallback(() => checkpoint(), [checkpoint])

  return (
    <div className={`canvas${readOnly ? ' canvas--read-only' : ''}${far ? ' canvas--far' : ''}`} ref={wrapper} data-testid="canvas" onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<CampaignFlowNode, CampaignFlowEdge>
        nodes={nodes}
        edges={displayedEdges}
        nodeTypes={flowNodeTypes}
        onNodesChange={changeNodes}
        onEdgesChange={changeEdges}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onNodeDragStart={onNodeDragStart}
        isValidConnection={checkConnection}
        connectionLineType={ConnectionLineType.SmoothStep}
        deleteKeyCode={readOnly ? null : DELETE_KEYS}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        multiSelectionKeyCode="Shift"
        snapToGrid
        snapGrid={SNAP_GRID}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        // Steps and edges outside the view are not in the DOM: a 300-step campaign pans like a small one.
        onlyRenderVisibleElements
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cfd2d8" />
        <Controls showInteractive={false} />
        <MiniMap<CampaignFlowNode> pannable zoomable nodeColor={minimapColour} nodeStrokeWidth={0} nodeBorderRadius={0} />
        <Panel position="top-left">
          <Palette onAdd={onAdd} disabled={Boolean(readOnly)} />
        </Panel>
        <Panel position="top-center">
          <CanvasToolbar />
        </Panel>
        {nodes.length === 0 && (
          <Panel position="bottom-center">
            <div className="canvas__empty" data-testid="canvas-empty">
              {t('canvas.empty')}
            </div>
          </Panel>
        )}
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
