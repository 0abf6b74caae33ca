import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react'
import { createStore } from 'zustand/vanilla'
import type { GraphIssue } from '../../engine/campaign/graph'
import { findNodeType } from '../../engine/nodes'
import { ApiError, describeError, type CampaignDetail, type CampaignStatus, type CampaignSummary, type DesignerApi, type TemplateSummary } from './api'
import { copySelection, EMPTY_HISTORY, pasteSnapshot, redo, remember, undo, type History, type Snapshot } from './editing'
import { autoLayout } from './layout'
import type { CampaignCounts } from './live'
import { checkDraft, type DraftCheck } from './validation'
import {
  connectionProblem,
  edgeForConnection,
  fromFlow,
  toFlow,
  toFlowNode,
  newStepId,
  type CampaignFlowEdge,
  type CampaignFlowNode,
  type ConnectionAttempt,
} from './graph-mapping'
import { defaultConfig } from './steps'

// The designer's state: the campaign list, the open campaign's canvas, and where saving and publishing
// stand. Actions return new objects (React Flow and zustand compare by reference). Every edit bumps
// `revision`; the draft is saved when `savedRevision` caught up with it.

export type PublishState =
  | { kind: 'idle' }
  | { kind: 'publishing' }
  | { kind: 'published'; version: number }
  | { kind: 'rejected'; message: string; issues: GraphIssue[] }
  | { kind: 'failed'; message: string }

export interface DesignerState {
  campaigns: CampaignSummary[] | null
  listError: string | null
  accessRefused: string | null

  selectedId: string | null
  campaign: Omit<CampaignDetail, 'draft'> | null
  loading: boolean
  loadError: string | null

  nodes: CampaignFlowNode[]
  edges: CampaignFlowEdge[]
  revision: number
  savedRevision: number
  saving: boolean
  savedAt: string | null
  saveError: string | null
  publish: PublishState
  history: History
  /** A published version shown instead of the draft (which waits in draftStash), read-only. */
  readOnly: { version: number; live: boolean } | null
  draftStash: Snapshot | null
  /** Steps (and the connections between them) to highlight: a contact's path, a simulated timeline. */
  highlight: { nodeIds: string[]; label: string } | null
  templates: TemplateSummary[] | null
  check: DraftCheck
  live: CampaignCounts | null

  loadCampaigns(): Promise<void>
  loadTemplates(): Promise<void>
  createCampaign(name: string): Promise<string | null>
  /** Puts the canvas on the undo stack before an edit; edits with the same key within a second share one entry (typing). */
  checkpoint(key?: string): void
  undo(): void
  redo(): void
  copy(): void
  paste(): void
  tidyUp(): void
  updateConfig(nodeId: string, config: Record<string, unknown>, key?: string): void
  openVersion(version: number): Promise<void>
  closeVersion(): void
  /** Replaces the draft with the version on screen; the old draft can still be brought back by undo. */
  draftFromVersion(): void
  setHighlight(highlight: DesignerState['highlight']): void
  loadCounts(): Promise<void>
  openCampaign(id: string): Promise<void>
  changeNodes(changes: NodeChange<CampaignFlowNode>[]): void
  changeEdges(changes: EdgeChange<CampaignFlowEdge>[]): void
  /** Adds the edge unless the connection rules refuse it; returns the reason when they do. */
  connect(connection: ConnectionAttempt): string | null
  addStep(stepType: string, position: XYPosition): string | null
  selectStep(nodeId: string): void
  selectConnection(edgeId: string): void
  saveDraft(): Promise<boolean>
  publishDraft(): Promise<void>
  dismissPublishResult(): void
  /** After a pause, resume or stop: the badge and the list show the new status at once, then the list is reloaded. */
  campaignStatusChanged(id: string, status: CampaignStatus): void
}

/** The open campaign's status; the list carries the current one (it is reloaded after publishing and controls). */
export const openCampaignStatus = (state: Pick<DesignerState, 'campaign' | 'campaigns'>): CampaignStatus | null =>
  state.campaigns?.find((entry) => entry.id === state.campaign?.id)?.status ?? state.campaign?.status ?? null

export const hasUnsavedChanges = (state: Pick<DesignerState, 'revision' | 'savedRevision'>) => state.revision !== state.savedRevision

// Selection and measuring are not edits; moving, adding and removing are.
const isEdit = (change: NodeChange | EdgeChange) => change.type !== 'select' && change.type !== 'dimensions'

// What the canvas holds for one open campaign; cleared when another campaign opens.
const EMPTY_CANVAS: Pick<
  DesignerState,
  'nodes' | 'edges' | 'revision' | 'savedRevision' | 'saving' | 'savedAt' | 'saveError' | 'publish' | 'history' | 'readOnly' | 'draftStash' | 'highlight' | 'check' | 'live'
> = {
  nodes: [],
  edges: [],
  revision: 0,
  savedRevision: 0,
  saving: false,
  savedAt: null,
  saveError: null,
  publish: { kind: 'idle' },
  history: EMPTY_HISTORY,
  readOnly: null,
  draftStash: null,
  highlight: null,
  check: { issues: [], byNode: {} },
  live: null,
}

const CHECK_DELAY_MS = 150

export function createDesignerStore(api: DesignerApi) {
  let clipboard: Snapshot | null = null
  let lastCheckpoint = { key: '', at: 0 }
  const store = createStore<DesignerState>()((set, get) => {
    /** Turns a failed call into a message; a refused token ends the session for the whole UI. */
    const failure = (error: unknown): string => {
      const message = describeError(error)
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) set({ accessRefused: message })
      return message
    }
    const stillOpen = (id: string) => get().selectedId === id
    /** Replaces the canvas as one edit (after it was remembered for undo). */
    const edit = (canvas: Snapshot) => set((state) => ({ nodes: canvas.nodes, edges: canvas.edges, revision: state.revision + 1 }))

    return {
      campaigns: null,
      listError: null,
      accessRefused: null,
      selectedId: null,
      campaign: null,
      loading: false,
      loadError: null,
      ...EMPTY_CANVAS,
      templates: null,

      async loadTemplates() {
        try {
          set({ templates: await api.listTemplates() })
        } catch (error) {
          failure(error)
        }
      },

      async createCampaign(name) {
        try {
          const { id } = await api.createCampaign(name)
          await get().loadCampaigns()
          await get().openCampaign(id)
          return null
        } catch (error) {
          return failure(error)
        }
      },

      checkpoint(key) {
        const now = Date.now()
        if (key && key === lastCheckpoint.key && now - lastCheckpoint.at < 1000) {
          lastCheckpoint.at = now
          return
        }
        lastCheckpoint = { key: key ?? '', at: now }
        set((state) => ({ history: remember(state.history, { nodes: state.nodes, edges: state.edges }) }))
      },

      undo() {
        const state = get()
        if (state.readOnly) return
        const step = undo(state.history, { nodes: state.nodes, edges: state.edges })
        if (step) set({ history: step.history, nodes: step.canvas.nodes, edges: step.canvas.edges, revision: state.revision + 1 })
        lastCheckpoint = { key: '', at: 0 }
      },

      redo() {
        const state = get()
        if (state.readOnly) return
        const step = redo(state.history, { nodes: state.nodes, edges: state.edges })
        if (step) set({ history: step.history, nodes: step.canvas.nodes, edges: step.canvas.edges, revision: state.revision + 1 })
      },

      copy() {
        clipboard = copySelection(get().nodes, get().edges) ?? clipboard
      },

      paste() {
        const { nodes, edges, readOnly } = get()
        if (!clipboard || readOnly) return
        get().checkpoint()
        edit(pasteSnapshot(clipboard, nodes, edges))
        // A second paste lands beside the first, not on top of it.
        clipboard = { ...clipboard, nodes: clipboard.nodes.map((node) => ({ ...node, position: { x: node.position.x + 40, y: node.position.y + 40 } })) }
      },

      tidyUp() {
        const { nodes, edges, readOnly } = get()
        if (readOnly || nodes.length === 0) return
        get().checkpoint()
        edit({ nodes: autoLayout(nodes, edges), edges })
      },

      updateConfig(nodeId, config, key) {
        if (get().readOnly) return
        get().checkpoint(key ? `${nodeId}/${key}` : undefined)
        set((state) => {
          const nodes = state.nodes.map((node) => (node.id === nodeId ? { ...node, data: { ...node.data, config } } : node))
          // Branch labels on the edges follow the step's outputs (a renamed arm, another event type).
          const flow = toFlow(fromFlow(nodes, state.edges))
          const labels = new Map(flow.edges.map((edge) => [edge.id, edge.label]))
          const edges = state.edges.map((edge) => (edge.source === nodeId && labels.get(edge.id) !== edge.label ? { ...edge, label: labels.get(edge.id) } : edge))
          return { nodes, edges, revision: state.revision + 1 }
        })
      },

      async openVersion(version) {
        const { campaign } = get()
        if (!campaign) return
        try {
          const found = await api.getVersion(campaign.id, version)
          if (!stillOpen(campaign.id)) return
          const flow = toFlow(found.graph)
          set((state) => ({
            draftStash: state.draftStash ?? { nodes: state.nodes, edges: state.edges },
            readOnly: { version: found.version, live: found.live },
            nodes: flow.nodes,
            edges: flow.edges,
            highlight: null,
          }))
        } catch (error) {
          set({ loadError: failure(error) })
        }
      },

      closeVersion() {
        const { draftStash } = get()
        if (!draftStash) return
        set({ nodes: draftStash.nodes, edges: draftStash.edges, draftStash: null, readOnly: null, highlight: null })
      },

      draftFromVersion() {
        const { draftStash, nodes, edges } = get()
        if (!draftStash) return
        set((state) => ({
          history: remember(state.history, draftStash),
          nodes,
          edges,
          draftStash: null,
          readOnly: null,
          revision: state.revision + 1,
        }))
      },

      setHighlight(highlight) {
        set({ highlight })
      },

      async loadCounts() {
        const { campaign } = get()
        if (!campaign) return
        try {
          const counts = await api.stepCounts(campaign.id)
          if (stillOpen(campaign.id)) set({ live: counts })
        } catch {
          // The next poll asks again; a refused token shows up on the next real action.
        }
      },

      async loadCampaigns() {
        try {
          set({ campaigns: await api.listCampaigns(), listError: null })
        } catch (error) {
          set({ listError: failure(error) })
        }
      },

      async openCampaign(id) {
        set({
          selectedId: id,
          campaign: null,
          loading: true,
          loadError: null,
          ...EMPTY_CANVAS,
        })
        try {
          const { draft, ...campaign } = await api.getCampaign(id)
          if (!stillOpen(id)) return
          const flow = toFlow(draft)
          set({ campaign, nodes: flow.nodes, edges: flow.edges, loading: false, savedAt: campaign.draftUpdatedAt })
        } catch (error) {
          if (stillOpen(id)) set({ loading: false, loadError: failure(error) })
        }
      },

      changeNodes(changes) {
        if (get().readOnly) changes = changes.filter((change) => !isEdit(change))
        if (changes.some((change) => change.type === 'remove')) get().checkpoint()
        set((state) => ({
          nodes: applyNodeChanges(changes, state.nodes),
          revision: changes.some(isEdit) ? state.revision + 1 : state.revision,
        }))
      },

      changeEdges(changes) {
        if (get().readOnly) changes = changes.filter((change) => !isEdit(change))
        if (changes.some((change) => change.type === 'remove')) get().checkpoint()
        set((state) => ({
          edges: applyEdgeChanges(changes, state.edges),
          revision: changes.some(isEdit) ? state.revision + 1 : state.revision,
        }))
      },

      connect(connection) {
        const { nodes, edges } = get()
        const problem = connectionProblem(connection, nodes, edges)
        if (problem) return problem
        get().checkpoint()
        set((state) => ({ edges: [...state.edges, edgeForConnection(connection, state.nodes, state.edges)], revision: state.revision + 1 }))
        return null
      },

      addStep(stepType, position) {
        const type = findNodeType(stepType)
        if (!type || !get().campaign || get().readOnly) return null
        get().checkpoint()
        const id = newStepId(stepType, get().nodes)
        const node = { ...toFlowNode({ id, type: stepType, position, config: defaultConfig(type) }), selected: true }
        set((state) => ({
          nodes: [...state.nodes.map((other) => (other.selected ? { ...other, selected: false } : other)), node],
          revision: state.revision + 1,
        }))
        return id
      },

      selectStep(nodeId) {
        set((state) => ({
          nodes: state.nodes.map((node) => (Boolean(node.selected) === (node.id === nodeId) ? node : { ...node, selected: node.id === nodeId })),
          edges: state.edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)),
        }))
      },

      selectConnection(edgeId) {
        set((state) => ({
          nodes: state.nodes.map((node) => (node.selected ? { ...node, selected: false } : node)),
          edges: state.edges.map((edge) => (Boolean(edge.selected) === (edge.id === edgeId) ? edge : { ...edge, selected: edge.id === edgeId })),
        }))
      },

      async saveDraft() {
        const { campaign, readOnly, revision, saving } = get()
        if (!campaign || saving || readOnly) return false
        const { nodes, edges } = get()
        set({ saving: true, saveError: null })
        try {
          const { draftUpdatedAt } = await api.saveDraft(campaign.id, fromFlow(nodes, edges))
          if (stillOpen(campaign.id)) set({ saving: false, savedRevision: revision, savedAt: draftUpdatedAt })
          return true
        } catch (error) {
          if (stillOpen(campaign.id)) set({ saving: false, saveError: failure(error) })
          return false
        }
      },

      async publishDraft() {
        const { campaign, publish } = get()
        if (!campaign || publish.kind === 'publishing' || get().readOnly) return
        // The same validation the server runs: what blocks publishing is listed at once, without a refused request.
        const local = checkDraft(get().nodes, get().edges, get().templates?.map((template) => template.id) ?? null)
        if (local.issues.length) {
          set({ publish: { kind: 'rejected', message: local.issues[0]!.message, issues: local.issues } })
          return
        }
        set({ publish: { kind: 'publishing' } })
        // Publishing takes the stored draft, so what is on the canvas is saved first.
        if (hasUnsavedChanges(get()) && !(await get().saveDraft())) {
          if (stillOpen(campaign.id)) set({ publish: { kind: 'failed', message: 'Not published: the draft could not be saved.' } })
          return
        }
        try {
          const { version } = await api.publish(campaign.id)
          if (!stillOpen(campaign.id)) return
          set((state) => ({
            publish: { kind: 'published', version: version.version },
            campaign: state.campaign && { ...state.campaign, liveVersion: version },
          }))
          void get().loadCampaigns() // status and live version in the list
          void api.getCampaign(campaign.id).then(({ versions, liveVersion, status }) => {
            if (stillOpen(campaign.id)) set((state) => ({ campaign: state.campaign && { ...state.campaign, versions, liveVersion, status } }))
          }, failure)
        } catch (error) {
          if (!stillOpen(campaign.id)) return
          if (error instanceof ApiError && error.status === 400) {
            const { message, nodeId, field } = error.body
            const issues = error.body.issues?.length ? error.body.issues : [{ nodeId, field, message }]
            set({ publish: { kind: 'rejected', message, issues } })
          } else {
            set({ publish: { kind: 'failed', message: failure(error) } })
          }
        }
      },

      dismissPublishResult() {
        set({ publish: { kind: 'idle' } })
      },

      campaignStatusChanged(id, status) {
        set((state) => ({
          campaign: state.campaign?.id === id ? { ...state.campaign, status } : state.campaign,
          campaigns: state.campaigns?.map((entry) => (entry.id === id ? { ...entry, status } : entry)) ?? null,
        }))
        void get().loadCampaigns()
      },
    }
  })

  // Validation markers follow the canvas a moment after it changes (not on every frame of a drag).
  let timer: ReturnType<typeof setTimeout> | null = null
  store.subscribe((state, previous) => {
    if (state.nodes === previous.nodes && state.edges === previous.edges && state.templates === previous.templates) return
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      const { nodes, edges, templates } = store.getState()
      store.setState({ check: checkDraft(nodes, edges, templates?.map((template) => template.id) ?? null) })
    }, CHECK_DELAY_MS)
  })
  return store
}

export type DesignerStore = ReturnType<typeof createDesignerStore>
