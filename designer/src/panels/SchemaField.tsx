import { createContext, useContext, useId } from 'react'
import type { z } from 'zod'
import { CATALOGUED_EVENT_TYPES, EVENT_CATALOGUE, eventKind } from '../../../engine/events/catalogue'
import type { NodeType } from '../../../engine/nodes'
import type { FieldUi, Widget } from '../../../engine/nodes/ui'
import type { LinkTags, PersonaOption, Segment, TemplateSummary } from '../api'
import { useLanguage, useT } from '../i18n'
import { choiceLabel, fieldUi, say } from '../node-ui'
import { emptyValue, fieldLabel, parseScalar, shapeOf, switchVariant, type FieldShape } from '../schema-form'

// The schema (schema-form.ts) gives the structure: objects, variants, lists and pairs recurse. What a
// field is called, its help and how it is edited come from the node module's ui (engine/nodes/ui.ts):
// a "template" field gets the template list, a "segment" field the saved segments, an "event-type"
// field the event catalogue, whatever the field is named.

export interface FieldContextValue {
  /** The step's node type: its ui names and places every field. */
  nodeType?: NodeType
  templates: TemplateSummary[] | null
  segments: Segment[] | null
  /** The account's personas, for rules that name one. */
  personas?: PersonaOption[] | null
  /** The link tags of each mail template (for "which link was clicked"). */
  linkTags?: LinkTags | null
  /** Templates the campaign's send steps use: their link tags come first. */
  campaignTemplates?: string[]
  /** The step's event type, for suggesting property names in its filter. */
  eventType?: string | null
  /** Messages by field path ("arms.1.weight"). */
  messages: Map<string, string[]>
  readOnly: boolean
}

export const FieldContext = createContext<FieldContextValue>({ templates: null, segments: null, messages: new Map(), readOnly: false })

export const EVENT_LIST_ID = 'known-event-types'

/** The event catalogue as suggestions for event-type fields, each with what it means in the language. */
export function EventTypeList() {
  const language = useLanguage((state) => state.language)
  return (
    <datalist id={EVENT_LIST_ID}>
      {CATALOGUED_EVENT_TYPES.map((type) => (
        <option key={type} value={type} label={`${say(EVENT_CATALOGUE[type].label, language)}: ${say(EVENT_CATALOGUE[type].meaning, language)}`} />
      ))}
    </datalist>
  )
}

const join = (path: string, name: string | number) => (path ? `${path}.${name}` : String(name))

function Messages({ path }: { path: string }) {
  const { messages } = useContext(FieldContext)
  const own = messages.get(path)
  if (!own?.length) return null
  return (
    <div className="field__error" data-testid="field-error" data-field={path} role="alert">
      {own.join('; ')}
    </div>
  )
}

interface Props {
  name: string
  schema: z.ZodType
  value: unknown
  path: string
  /** A list item's widget, from its list's ui (items have no ui of their own). */
  widget?: Widget
  onChange(value: unknown): void
}

/** One field with its label, help and errors. */
export function SchemaField({ name, schema, value, path, widget, onChange }: Props) {
  const { nodeType } = useContext(FieldContext)
  const shape = shapeOf(schema)
  const id = useId()
  const language = useLanguage((state) => state.language)
  if (shape.kind === 'fixed' || shape.kind === 'unknown') return null
  const ui = nodeType ? fieldUi(nodeType, path) : undefined
  const nested = shape.kind === 'object' || shape.kind === 'variant' || shape.kind === 'list' || shape.kind === 'pairs'
  // List items are numbered; every named field has its words in the node module (node-ui.test.ts).
  const label = ui ? say(ui.label, language) : /^\d+$/.test(name) ? name : fieldLabel(name)
  const help = ui && say(ui.help, language)
  return (
    <div className={`field${nested ? ' field--nested' : ''}`} data-testid="config-field" data-field={path} data-widget={ui?.widget ?? widget}>
      <label className="field__label" htmlFor={id} title={help || undefined}>
        {label}
      </label>
      {help && !path.includes('.') && <p className="field__help">{help}</p>}
      <Widget id={id} name={name} ui={ui} widget={ui?.widget ?? widget} shape={shape} schema={schema} value={value} path={path} onChange={onChange} />
      <Messages path={path} />
    </div>
  )
}

function Widget({ id, ui, widget, shape, schema, value, path, onChange }: Props & { id: string; ui: FieldUi | undefined; shape: FieldShape }) {
  const { nodeType, templates, segments, personas, readOnly } = useContext(FieldContext)
  const t = useT()
  const language = useLanguage((state) => state.language)
  const testId = `config-input-${path}`
  switch (shape.kind) {
    case 'text':
      if (widget === 'template') {
        const placeholder = templates?.length === 0 ? t('config.noTemplates') : t('config.chooseTemplate')
        const options = (templates ?? []).map((template) => ({ value: template.id, label: `${template.name} (${template.id})` }))
        return <ListSelect id={id} testId={testId} readOnly={readOnly} value={value} placeholder={placeholder} options={options} keepUnknown onChange={onChange} />
      }
      if (widget === 'persona' && personas && personas.length > 0) {
        const options = personas.map((persona) => ({ value: persona.slug, label: persona.name }))
        return <ListSelect id={id} testId={testId} readOnly={readOnly} value={value} placeholder="—" options={options} keepUnknown onChange={onChange} />
      }
      if (widget === 'segment') {
        const options = (segments ?? []).map((segment) => ({ value: segment.id, label: segment.name }))
        return <ListSelect id={id} testId={testId} readOnly={readOnly} value={value} placeholder="—" options={options} onChange={onChange} />
      }
      return (
        <input
          id={id}
          data-testid={testId}
          type="text"
          readOnly={readOnly}
          list={widget === 'event-type' ? EVENT_LIST_ID : undefined}
          value={value === undefined || value === null ? '' : String(value)}
          // An optional field left empty is removed, not stored as "".
          onChange={(event) => onChange(event.target.value === '' && emptyValue(schema) === undefined ? undefined : event.target.value)}
        />
      )
    case 'number':
      return (
        <input
          id={id}
          data-testid={testId}
          type="text"
          inputMode="numeric"
          readOnly={readOnly}
          value={value === undefined || value === null ? '' : String(value)}
          // Not a number: kept as typed, so the schema names the problem while the marketer types.
          onChange={(event) => onChange(event.target.value.trim() !== '' && Number.isFinite(Number(event.target.value)) ? Number(event.target.value) : event.target.value)}
        />
      )
    case 'scalar':
      return (
        <input
          id={id}
          data-testid={testId}
          type="text"
          readOnly={readOnly}
          value={value === undefined || value === null ? '' : String(value)}
          onChange={(event) => onChange(event.target.value === '' ? undefined : parseScalar(event.target.value))}
        />
      )
    case 'boolean':
      return (
        <label className="field__check">
          <input id={id} data-testid={testId} type="checkbox" disabled={readOnly} checked={value === true} onChange={(event) => onChange(event.target.checked)} />
          {t('config.yes')}
        </label>
      )
    case 'choice':
      return (
        <select id={id} data-testid={testId} disabled={readOnly} value={String(value ?? '')} onChange={(event) => onChange(event.target.value)}>
          {shape.options.map((option) => (
            <option key={option} value={option}>
              {choiceLabel(ui, option, language)}
            </option>
          ))}
        </select>
      )
    case 'object':
      return <ObjectFields shape={shape} value={value} path={path} onChange={onChange} />
    case 'variant': {
      const current = (value ?? {}) as Record<string, unknown>
      const chosen = shape.options.find((option) => option.value === current[shape.discriminator]) ?? shape.options[0]
      const inner = chosen && shapeOf(chosen.schema)
      const discriminatorUi = nodeType ? fieldUi(nodeType, join(path, shape.discriminator)) : undefined
      return (
        <div className="field__group">
          <select
            id={id}
            data-testid={`config-input-${join(path, shape.discriminator)}`}
            disabled={readOnly}
            value={chosen?.value ?? ''}
            onChange={(event) => onChange(switchVariant(shape, current, event.target.value))}
          >
            {shape.options.map((option) => (
              <option key={option.value} value={option.value}>
                {choiceLabel(discriminatorUi, option.value, language)}
              </option>
            ))}
          </select>
          {inner?.kind === 'object' && <ObjectFields shape={inner} value={current} path={path} onChange={onChange} skip={shape.discriminator} />}
        </div>
      )
    }
    case 'list':
      return <ListField id={id} ui={ui} item={shape.item} value={Array.isArray(value) ? value : []} path={path} onChange={onChange} />
    case 'pairs':
      return <PairsField eventProperties={widget === 'event-filter'} value={(value ?? {}) as Record<string, unknown>} valueSchema={shape.value} path={path} onChange={onChange} />
    default:
      return null
  }
}

/**
 * One of a list the account has (templates, personas, segments), stored by id. With `keepUnknown`, an id
 * that is no longer in the list stays visible, so the error beside it makes sense.
 */
function ListSelect(props: {
  id: string
  testId: string
  readOnly: boolean
  value: unknown
  placeholder: string
  options: { value: string; label: string }[]
  keepUnknown?: boolean
  onChange(value: string): void
}) {
  const { id, testId, readOnly, value, placeholder, options, keepUnknown, onChange } = props
  const unknown = keepUnknown && typeof value === 'string' && value !== '' && !options.some((option) => option.value === value)
  return (
    <select id={id} data-testid={testId} disabled={readOnly} value={String(value ?? '')} onChange={(event) => onChange(event.target.value)}>
      <option value="">{placeholder}</option>
      {unknown && <option value={value}>{value}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  )
}

function ObjectFields({ shape, value, path, onChange, skip }: { shape: Extract<FieldShape, { kind: 'object' }>; value: unknown; path: string; onChange(value: unknown): void; skip?: string }) {
  const current = (value ?? {}) as Record<string, unknown>
  return (
    <div className="field__group">
      {shape.fields
        .filter((field) => field.name !== skip)
        .map((field) => (
          <SchemaField
            key={field.name}
            name={field.name}
            schema={field.schema}
            value={current[field.name]}
            path={join(path, field.name)}
            onChange={(next) => {
              const updated = { ...current }
              if (next === undefined) delete updated[field.name]
              else updated[field.name] = next
              onChange(updated)
            }}
          />
        ))}
    </div>
  )
}

function ListField({ id, ui, item, value, path, onChange }: { id: string; ui: FieldUi | undefined; item: z.ZodType; value: unknown[]; path: string; onChange(value: unknown): void }) {
  const language = useLanguage((state) => state.language)
  const { readOnly } = useContext(FieldContext)
  const t = useT()
  const itemShape = shapeOf(item)
  // A list of fixed choices (weekdays) is a set of checkboxes.
  if (itemShape.kind === 'choice') {
    return (
      <div className="field__choices" id={id}>
        {itemShape.options.map((option) => (
          <label key={option} className="field__check">
            <input
              type="checkbox"
              data-testid={`config-input-${path}-${option}`}
              disabled={readOnly}
              checked={value.includes(option)}
              onChange={(event) => onChange(event.target.checked ? [...value, option] : value.filter((entry) => entry !== option))}
            />
            {choiceLabel(ui, option, language)}
          </label>
        ))}
      </div>
    )
  }
  return (
    <div className="field__list" id={id}>
      {value.map((entry, index) => (
        <div key={index} className="field__row">
          <SchemaField
            name={`${index + 1}`}
            widget={ui?.item}
            schema={item}
            value={entry}
            path={join(path, index)}
            onChange={(next) => onChange(value.map((old, i) => (i === index ? next : old)))}
          />
          {!readOnly && (
            <button type="button" className="link-button" data-testid={`config-remove-${join(path, index)}`} onClick={() => onChange(value.filter((_, i) => i !== index))}>
              {t('config.remove')}
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" className="link-button" data-testid={`config-add-${path}`} onClick={() => onChange([...value, emptyValue(item)])}>
          + {t('config.add')}
        </button>
      )}
    </div>
  )
}

/** Link tags to offer: those in the campaign's own mails first (with the mail they are in), then the rest. */
function linkTagOptions(linkTags: LinkTags, campaignTemplates: string[]): { tag: string; templates: string[]; own: boolean }[] {
  const byTag = new Map<string, { tag: string; templates: string[]; own: boolean }>()
  for (const template of linkTags) {
    for (const tag of template.tags) {
      const entry = byTag.get(tag) ?? { tag, templates: [], own: false }
      entry.templates.push(template.id)
      entry.own ||= campaignTemplates.includes(template.id)
      byTag.set(tag, entry)
    }
  }
  return [...byTag.values()].sort((a, b) => Number(b.own) - Number(a.own))
}

/** The value of a "tag" property: a choice among the link tags of the mail templates. */
function LinkTagSelect({ value, testId, onChange }: { value: string; testId: string; onChange(value: string): void }) {
  const { linkTags, campaignTemplates = [], readOnly } = useContext(FieldContext)
  const t = useT()
  const options = linkTagOptions(linkTags ?? [], campaignTemplates)
  return (
    <select aria-label={t('config.linkTag')} data-testid={testId} disabled={readOnly} value={value} onChange={(event) => onChange(event.target.value)}>
      <option value="">{t('config.chooseLinkTag')}</option>
      {value && !options.some((option) => option.tag === value) && <option value={value}>{value}</option>}
      {options.map((option) => (
        <option key={option.tag} value={option.tag}>
          {option.tag} ({t('config.linkIn', { mails: option.templates.join(', ') })})
        </option>
      ))}
    </select>
  )
}

function PairsField(props: { eventProperties: boolean; value: Record<string, unknown>; valueSchema: z.ZodType; path: string; onChange(value: unknown): void }) {
  const { eventProperties, value, valueSchema, path, onChange } = props
  const { readOnly, eventType, linkTags } = useContext(FieldContext)
  const t = useT()
  const listId = useId()
  const entries = Object.entries(value)
  // An event filter suggests the properties the catalogue lists for the step's event type.
  const catalogued = eventProperties && eventType ? eventKind(eventType)?.properties : undefined
  const known = catalogued?.map((property) => property.name) ?? []
  const isLinkTag = (key: string) => !!catalogued?.some((property) => property.name === key && property.linkTag)
  const rebuild = (index: number, key: string, next: unknown) =>
    onChange(Object.fromEntries(entries.map(([oldKey, oldValue], i) => (i === index ? [key, next] : [oldKey, oldValue]))))
  return (
    <div className="field__list">
      {known.length > 0 && (
        <datalist id={listId}>
          {known.map((property) => (
            <option key={property} value={property} />
          ))}
        </datalist>
      )}
      {entries.map(([key, entry], index) => (
        <div key={index} className="field__pair">
          <input
            type="text"
            aria-label={t('config.key')}
            placeholder={known[0] ?? t('config.key')}
            list={known.length > 0 ? listId : undefined}
            data-testid={`config-key-${path}-${index}`}
            readOnly={readOnly}
            value={key}
            onChange={(event) => rebuild(index, event.target.value, entry)}
          />
          <span>=</span>
          {/* Which link was clicked: chosen among the tags the mails' links carry, not typed from memory. */}
          {isLinkTag(key) && linkTags && shapeOf(valueSchema).kind !== 'number' ? (
            <LinkTagSelect value={entry === null || entry === undefined ? '' : String(entry)} testId={`config-value-${path}-${index}`} onChange={(next) => rebuild(index, key, next)} />
          ) : (
            <input
              type="text"
              aria-label={t('config.value')}
              placeholder={t('config.value')}
              data-testid={`config-value-${path}-${index}`}
              readOnly={readOnly}
              value={entry === null || entry === undefined ? '' : String(entry)}
              onChange={(event) => rebuild(index, key, shapeOf(valueSchema).kind === 'text' ? event.target.value : parseScalar(event.target.value))}
            />
          )}
          {!readOnly && (
            <button type="button" className="link-button" aria-label={t('config.remove')} onClick={() => onChange(Object.fromEntries(entries.filter((_, i) => i !== index)))}>
              ×
            </button>
          )}
          <Messages path={join(path, key)} />
        </div>
      ))}
      {!readOnly && !(('' in value)) && (
        <button type="button" className="link-button" data-testid={`config-add-${path}`} onClick={() => onChange({ ...value, '': '' })}>
          + {t('config.add')}
        </button>
      )}
    </div>
  )
}
