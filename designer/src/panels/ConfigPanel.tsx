import { useEffect, useMemo, useState } from 'react'
import { findNodeType } from '../../../engine/nodes'
import type { LinkTags, PersonaOption, Segment } from '../api'
import { useApi, useDesigner } from '../designer-context'
import { eventKind } from '../../../engine/events/catalogue'
import { useLanguage, useT } from '../i18n'
import { fieldUi, nodeDescription, nodeLabel, stepEventType, usesWidget } from '../node-ui'
import { fieldMessages } from '../schema-form'
import { EventTypeList, FieldContext, SchemaField } from './SchemaField'

/** The mail templates a step names: its top-level fields edited as a template. */
function templatesOf(stepType: string, config: Record<string, unknown>): string[] {
  const type = findNodeType(stepType)
  if (!type) return []
  return Object.entries(config).flatMap(([name, value]) => (typeof value === 'string' && value && fieldUi(type, name)?.widget === 'template' ? [value] : []))
}

/** The selected step's settings, generated from its node type's schema, with the issues publishing would raise. */
export function ConfigPanel() {
  const t = useT()
  const api = useApi()
  const language = useLanguage((state) => state.language)
  // The one selected step (several selected: nothing to edit here).
  const node = useDesigner((state) => {
    const selected = state.nodes.filter((candidate) => candidate.selected)
    return selected.length === 1 ? selected[0]! : null
  })
  const allIssues = useDesigner((state) => state.check.issues)
  const nodeId = node?.id
  const issues = useMemo(() => (nodeId ? allIssues.filter((issue) => issue.nodeId === nodeId) : null), [allIssues, nodeId])
  const templates = useDesigner((state) => state.templates)
  const readOnly = useDesigner((state) => state.readOnly !== null)
  const updateConfig = useDesigner((state) => state.updateConfig)
  const [segments, setSegments] = useState<Segment[] | null>(null)
  const [personas, setPersonas] = useState<PersonaOption[] | null>(null)
  const [linkTags, setLinkTags] = useState<LinkTags | null>(null)
  // The mails this campaign sends, joined so the panel re-renders only when they change.
  const campaignTemplateList = useDesigner((state) =>
    [...new Set(state.nodes.flatMap((candidate) => templatesOf(candidate.data.stepType, candidate.data.config)))].join('\n'),
  )
  const campaignTemplates = useMemo(() => (campaignTemplateList ? campaignTemplateList.split('\n') : []), [campaignTemplateList])
  const type = node ? findNodeType(node.data.stepType) : undefined
  const eventType = type && node ? stepEventType(type, node.data.config) : null

  // Which lists the panel needs follows from the widgets the node module declares, not from step types.
  // Saved segments: only once the step shows a segment field (a trigger of kind "segment"); asked for once.
  const wantsSegments = !!type && !!node && Object.keys(node.data.config).some((name) => fieldUi(type, name)?.widget === 'segment')
  useEffect(() => {
    if (!wantsSegments || segments) return
    api.listSegments().then(setSegments, () => setSegments([]))
  }, [api, wantsSegments, segments])

  // Personas are named by rules (a trigger's audience, a condition); asked for once.
  const wantsPersonas = !!type && usesWidget(type, 'persona')
  useEffect(() => {
    if (!wantsPersonas || personas) return
    api.listPersonas().then(setPersonas, () => setPersonas([]))
  }, [api, wantsPersonas, personas])

  // Link tags are only needed to branch on which link was clicked (an event whose catalogue entry has a link-tag property); asked for once.
  const wantsLinkTags = !!eventType && !!eventKind(eventType)?.properties.some((property) => property.linkTag)
  useEffect(() => {
    if (!wantsLinkTags || linkTags) return
    api.listLinkTags().then(setLinkTags, () => setLinkTags([]))
  }, [api, wantsLinkTags, linkTags])

  const context = useMemo(
    () => ({ nodeType: type, templates, segments, personas, linkTags, campaignTemplates, eventType, messages: fieldMessages(issues ?? []), readOnly }),
    [type, templates, segments, personas, linkTags, campaignTemplates, eventType, issues, readOnly],
  )

  if (!node) return <p className="panel__empty">{t('config.none')}</p>
  if (!type) return <p className="panel__empty">{node.data.stepType}</p>

  return (
    <div className="config" data-testid="config-panel" data-node-id={node.id}>
      <h3 className="config__title" data-testid="config-title">{nodeLabel(type, language)}</h3>
      <p className="config__description" data-testid="config-description">{nodeDescription(type, language)}</p>
      <p className="config__id">
        <code>{node.id}</code>
      </p>
      {readOnly && <p className="panel__empty">{t('config.readOnly')}</p>}
      {issues && issues.length > 0 && (
        <div className="config__issues" data-testid="config-issues">
          <strong>{t('config.issues')}</strong>
          <ul>
            {issues.map((issue, index) => (
              <li key={index}>{issue.message.replace(/^node [^:]+: /, '')}</li>
            ))}
          </ul>
        </div>
      )}
      <FieldContext.Provider value={context}>
        <EventTypeList />
        <SchemaField
          name="settings"
          schema={type.configSchema}
          value={node.data.config}
          path=""
          onChange={(config) => updateConfig(node.id, (config ?? {}) as Record<string, unknown>, 'typing')}
        />
      </FieldContext.Provider>
    </div>
  )
}
