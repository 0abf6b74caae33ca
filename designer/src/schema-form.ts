import type { z } from 'zod'

// The config side panel is generated from each node type's zod schema (engine/nodes/*): this file reads a
// schema into plain field descriptors, so the panel has one widget per kind of schema and no per-step
// form code. A new config field in a node module appears in the panel by itself.

type Def = { type: string; [key: string]: unknown }
const defOf = (schema: z.ZodType): Def => (schema as unknown as { def: Def }).def

export type FieldShape =
  | { kind: 'text' }
  | { kind: 'number' }
  | { kind: 'boolean' }
  /** A fixed choice (an enum, or a union of literals). */
  | { kind: 'choice'; options: string[] }
  /** A literal: fixed, nothing to edit (the discriminator of a variant). */
  | { kind: 'fixed'; value: unknown }
  /** Free value of several primitive types (string | number | boolean): edited as text. */
  | { kind: 'scalar' }
  | { kind: 'object'; fields: Field[] }
  /** One of several objects, chosen by the discriminator (`kind`, `mode`). */
  | { kind: 'variant'; discriminator: string; options: { value: string; schema: z.ZodType }[] }
  | { kind: 'list'; item: z.ZodType }
  /** name → value pairs (event property filters, attributes to set). */
  | { kind: 'pairs'; value: z.ZodType }
  | { kind: 'unknown' }

export interface Field {
  name: string
  schema: z.ZodType
  optional: boolean
  defaultValue: unknown
}

/** Strips optional/default/nullable wrappers: what is left decides the widget. */
export function unwrap(schema: z.ZodType): { inner: z.ZodType; optional: boolean; defaultValue: unknown } {
  let inner = schema
  let optional = false
  let defaultValue: unknown = undefined
  for (;;) {
    const def = defOf(inner)
    if (def.type === 'optional' || def.type === 'nullable') optional = true
    else if (def.type === 'default' || def.type === 'prefault') defaultValue ??= typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue
    else if (def.type === 'pipe') {
      inner = def.in as z.ZodType
      continue
    } else break
    inner = def.innerType as z.ZodType
  }
  return { inner, optional, defaultValue }
}

export function shapeOf(schema: z.ZodType): FieldShape {
  const { inner } = unwrap(schema)
  const def = defOf(inner)
  switch (def.type) {
    case 'string':
      return { kind: 'text' }
    case 'number':
      return { kind: 'number' }
    case 'boolean':
      return { kind: 'boolean' }
    case 'enum':
      return { kind: 'choice', options: Object.values(def.entries as Record<string, string>) }
    case 'literal':
      return { kind: 'fixed', value: (def.values as unknown[])[0] }
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>
      return { kind: 'object', fields: Object.entries(shape).map(([name, field]) => ({ name, schema: field, ...unwrap(field) })) }
    }
    case 'array':
      return { kind: 'list', item: def.element as z.ZodType }
    case 'record':
      return { kind: 'pairs', value: def.valueType as z.ZodType }
    case 'union': {
      const options = def.options as z.ZodType[]
      if (typeof def.discriminator === 'string') {
        const discriminator = def.discriminator
        return {
          kind: 'variant',
          discriminator,
          options: options.flatMap((option) => {
            const field = (defOf(unwrap(option).inner).shape as Record<string, z.ZodType> | undefined)?.[discriminator]
            const literal = field && shapeOf(field)
            if (literal?.kind === 'fixed') return [{ value: String(literal.value), schema: option }]
            if (literal?.kind === 'choice') return literal.options.map((value) => ({ value, schema: option }))
            return []
          }),
        }
      }
      const shapes = options.map(shapeOf)
      if (shapes.every((shape) => shape.kind === 'fixed')) return { kind: 'choice', options: shapes.map((shape) => String((shape as { value: unknown }).value)) }
      if (shapes.every((shape) => ['text', 'number', 'boolean', 'fixed'].includes(shape.kind))) return { kind: 'scalar' }
      return { kind: 'unknown' }
    }
    default:
      return { kind: 'unknown' }
  }
}

/** A fresh value for a schema: its default, else the simplest value of its kind (a new list item, a switched variant). */
export function emptyValue(schema: z.ZodType): unknown {
  const { defaultValue, optional } = unwrap(schema)
  if (defaultValue !== undefined) return structuredClone(defaultValue)
  const shape = shapeOf(schema)
  switch (shape.kind) {
    case 'text':
    case 'scalar':
      return optional ? undefined : ''
    case 'number':
      return 0
    case 'boolean':
      return false
    case 'choice':
      return shape.options[0]
    case 'fixed':
      return shape.value
    case 'object':
      return Object.fromEntries(shape.fields.flatMap((field) => {
        const value = emptyValue(field.schema)
        return value === undefined ? [] : [[field.name, value]]
      }))
    case 'variant':
      return shape.options[0] ? emptyValue(shape.options[0].schema) : {}
    case 'list':
      return []
    case 'pairs':
      return {}
    default:
      return undefined
  }
}

/** Switching a variant keeps the fields both variants share and whose values fit the new one (entry rules when a trigger changes kind). */
export function switchVariant(shape: Extract<FieldShape, { kind: 'variant' }>, current: Record<string, unknown>, value: string): Record<string, unknown> {
  const option = shape.options.find((candidate) => candidate.value === value)
  if (!option) return current
  const fresh = emptyValue(option.schema) as Record<string, unknown>
  const objectShape = shapeOf(option.schema)
  const fields = new Map(objectShape.kind === 'object' ? objectShape.fields.map((field) => [field.name, field.schema] as const) : [])
  // Kept only where the value still fits: a rule's operator "equals" is no operator of a persona rule.
  const kept = Object.fromEntries(
    Object.entries(current).filter(([name, value]) => name !== shape.discriminator && fields.get(name)?.safeParse(value).success),
  )
  return { ...fresh, ...kept, [shape.discriminator]: value }
}

/** "filterTimeout" / "cool_down" → "filter timeout" / "cool down": a readable label from a field name. */
export function fieldLabel(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()
}

/** Typed text back to the type a scalar field stores: "12" → 12, "true" → true, else the text. */
export function parseScalar(text: string): string | number | boolean {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text)
  if (text === 'true' || text === 'false') return text === 'true'
  return text
}

/** Messages by field path ("arms.1.weight"), from validation issues whose field is "config.…". */
export function fieldMessages(issues: readonly { field?: string; message: string }[]): Map<string, string[]> {
  const byField = new Map<string, string[]>()
  for (const issue of issues) {
    const path = issue.field?.startsWith('config.') ? issue.field.slice('config.'.length) : issue.field === 'config' ? '' : null
    if (path === null) continue
    byField.set(path, [...(byField.get(path) ?? []), issue.message.replace(/^node [^:]+: (config\.[^:]+: )?/, '')])
  }
  return byField
}
