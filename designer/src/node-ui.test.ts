import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { nodeTypes } from '../../engine/nodes'
import { CATEGORY_WORDS, UI_LANGUAGES, WIDGETS, type FieldUi, type Widget, type Words } from '../../engine/nodes/ui'
import { fieldUi } from './node-ui'
import { describeStep } from './steps'
import { shapeOf, type FieldShape } from './schema-form'

// Every registered node type describes itself in every UI language, and every field of its schema (at
// any depth: variants, lists, groups) has a label, help and a widget that fits the schema. A new node
// type or field without them fails here, so the designer never has to guess from field names.

const gapsIn = (text: Words | undefined, where: string) =>
  UI_LANGUAGES.filter((language) => !text?.[language]?.trim()).map((language) => `${where}: no ${language}`)

// Which widgets can edit which kind of schema.
const FITS: Record<FieldShape['kind'], readonly Widget[]> = {
  text: ['text', 'duration', 'time', 'template', 'segment', 'persona', 'event-type'],
  number: ['number'],
  boolean: ['checkbox'],
  choice: ['choice'],
  scalar: ['value'],
  object: ['group'],
  variant: ['variant'],
  list: ['list', 'choices'],
  pairs: ['pairs', 'event-filter'],
  fixed: [],
  unknown: [],
}

/** Every named field of a schema with its path ("audience.0.attribute"), walking variants, lists and groups. */
function fieldsOf(schema: z.ZodType, path: string, out: { path: string; schema: z.ZodType }[] = [], skip?: string): { path: string; schema: z.ZodType }[] {
  const shape = shapeOf(schema)
  const at = (name: string | number) => (path ? `${path}.${name}` : String(name))
  if (shape.kind === 'object') {
    for (const field of shape.fields) {
      // A variant's discriminator is edited by the variant's own choice (as the panel does).
      if (shapeOf(field.schema).kind === 'fixed' || field.name === skip) continue
      out.push({ path: at(field.name), schema: field.schema })
      fieldsOf(field.schema, at(field.name), out)
    }
  } else if (shape.kind === 'variant') {
    out.push({ path: at(shape.discriminator), schema })
    for (const option of shape.options) fieldsOf(option.schema, path, out, shape.discriminator)
  } else if (shape.kind === 'list') {
    fieldsOf(shape.item, at(0), out)
  }
  return out
}

function fieldGaps(where: string, ui: FieldUi | undefined, shape: FieldShape, isDiscriminator: boolean): string[] {
  if (!ui) return [`${where}: no ui`]
  const gaps = [...gapsIn(ui.label, `${where} label`), ...gapsIn(ui.help, `${where} help`)]
  if (!WIDGETS.includes(ui.widget)) gaps.push(`${where}: unknown widget ${ui.widget}`)
  const kind = isDiscriminator ? 'variant' : shape.kind
  if (!FITS[kind].includes(ui.widget)) gaps.push(`${where}: widget ${ui.widget} cannot edit a ${kind}`)
  const options = isDiscriminator && shape.kind === 'variant' ? shape.options.map((option) => option.value) : shape.kind === 'choice' ? shape.options : []
  const listOptions = shape.kind === 'list' && shapeOf(shape.item).kind === 'choice' ? (shapeOf(shape.item) as { options: string[] }).options : []
  for (const option of [...options, ...listOptions]) gaps.push(...gapsIn(ui.choices?.[option], `${where} choice ${option}`))
  if (ui.item && !FITS.text.includes(ui.item)) gaps.push(`${where}: item widget ${ui.item} is not for text`)
  return gaps
}

describe('node modules describe their UI', () => {
  it('give every registered node type its label, description, summary, outputs and category in every language', () => {
    const gaps: string[] = []
    for (const type of Object.values(nodeTypes)) {
      gaps.push(...gapsIn(type.ui.label, `${type.type} label`), ...gapsIn(type.ui.description, `${type.type} description`), ...gapsIn(type.ui.summary, `${type.type} summary`))
      for (const [id, text] of Object.entries(type.ui.outputs ?? {})) gaps.push(...gapsIn(text, `${type.type} output ${id}`))
      gaps.push(...gapsIn(CATEGORY_WORDS[type.category], `category ${type.category}`))
    }
    expect(gaps).toEqual([])
  })

  it('give every field of every node type a label, help and a widget that fits its schema, in every language', () => {
    const gaps: string[] = []
    let checked = 0
    for (const type of Object.values(nodeTypes)) {
      for (const field of fieldsOf(type.configSchema, '')) {
        const shape = shapeOf(field.schema)
        gaps.push(...fieldGaps(`${type.type} ${field.path}`, fieldUi(type, field.path), shape, shape.kind === 'variant'))
        checked++
      }
    }
    expect(gaps).toEqual([])
    // The walk reaches nested fields (rules of a trigger's audience and of condition branches).
    expect(checked).toBeGreaterThan(60)
  })

  it('fails for a field without words: the check is not empty', () => {
    const trigger = nodeTypes.trigger!
    const without = { ...trigger, ui: { ...trigger.ui, fields: { ...trigger.ui.fields, catchUp: { ...trigger.ui.fields.catchUp!, help: { ...trigger.ui.fields.catchUp!.help, it: '' } } } } }
    expect(fieldGaps('trigger catchUp', fieldUi(without, 'catchUp'), { kind: 'text' }, false)).toEqual(['trigger catchUp help: no it'])
    expect(fieldGaps('x', undefined, { kind: 'text' }, false)).toEqual(['x: no ui'])
    expect(fieldGaps('x', { ...trigger.ui.fields.segmentId!, widget: 'checkbox' }, { kind: 'text' }, false)).toEqual(['x: widget checkbox cannot edit a text'])
  })
})

describe('summaries and labels built from a step’s settings', () => {
  it('speak the chosen language: the rules, the date offsets and a date wait’s way on', () => {
    const condition = describeStep('condition', { mode: 'yes_no', match: 'all', rules: [{ kind: 'tag', operator: 'has', tag: 'vip' }, { kind: 'consent', operator: 'is', status: 'granted' }] }, 'de')
    expect(condition.summary).toContain('markiert vip und Einwilligung granted')
    const wait = describeStep('wait_until', { mode: 'date', attribute: 'maintenance_due', offset: '-60d' }, 'fr')
    expect(wait.summary).toContain('60 jours avant maintenance_due')
    expect(wait.outputs.map((output) => output.label)).toEqual(['60 jours avant maintenance_due', 'pas de maintenance_due'])
    expect(describeStep('wait_until', { mode: 'date', attribute: 'maintenance_due', offset: '-60d' }, 'en').outputs[0]!.label).toBe('60 days before maintenance_due')
    expect(describeStep('wait_until', { mode: 'send_window', days: ['mon'], from: '08:00', until: '17:00' }, 'it').outputs.map((output) => output.label)).toEqual([''])
    expect(describeStep('gone_step', {}, 'es').label).toBe('Paso desconocido «gone_step»')
  })
})
