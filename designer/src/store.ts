import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange, type XYPosition } from '@xyflow/react'
import { createStore } from 'zustand/vanilla'
import type { GraphIssue } from '../../engine/campaign/graph'
import { findNodeType } from '../../engine/nodes'
import { ApiError, describeError, type CampaignDetail, type CampaignStatus, type CampaignSummary, type DesignerApi } from './api'
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

  loadCampaigns(): Promise<void>
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
const EMPTY_CANVAS: Pick<DesignerState, 'nodes' | 'edges' | 'revision' | 'savedRevision' | 'saving' | 'savedAt' | 'saveError' | 'publish'> = {
  nodes: [],
  edges: [],
  revision: 0,
  savedRevision: 0,
  saving: false,
  savedAt: null,
  saveError: null,
  publish: { kind: 'idle' },
}

export function createDesignerStore(api: DesignerApi) {
  return createStore<DesignerState>()((set, get) => {
    /** Turns a failed call into a message; a refused token ends the session for the whole UI. */
    const failure = (error: unknown): string => {
      const message = describeError(error)
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) set({ accessRefused: message })
      return message
    }
    const stillOpen = (id: string) => get().selectedId === id

    return {
      campaigns: null,
      listError: null,
      accessRefused: null,
      selectedId: null,
      campaign: null,
      loading: false,
      loadError: null,
      ...EMPTY_CANVAS,

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
        set((state) => ({
          nodes: applyNodeChanges(changes, state.nodes),
          revision: changes.some(isEdit) ? state.revision + 1 : state.revision,
        }))
      },

      changeEdges(changes) {
        set((state) => ({
          edges: applyEdgeChanges(changes, state.edges),
          revision: changes.some(isEdit) ? state.revision + 1 : state.revision,
        }))
      },

      connect(connection) {
        const { nodes, edges } = get()
        const problem = connectionProblem(connection, nodes, edges)
        if (problem) return problem
        set((state) => ({ edges: [...state.edges, edgeForConnection(connection, state.nodes, state.edges)], revision: state.revision + 1 }))
        return null
      },

      addStep(stepType, position) {
        const type = findNodeType(stepType)
        if (!type || !get().campaign) return null
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
        const { campaign, nodes, edges, revision, saving } = get()
        if (!campaign || saving) return false
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
        if (!campaign || publish.kind === 'publishing') return
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
}

export type DesignerStore = ReturnType<typeof createDesignerStore>
