import type { NodeOutput, NodeType } from '../../engine/nodes'
import { CATEGORY_WORDS, fill, type FieldUi, type Widget, type Words } from '../../engine/nodes/ui'
import type { Language } from './i18n'
// The category type is the node type's own, so this module does not lean on steps.ts (which reads words from here).

// Every word the designer shows about a node comes from its module's `ui` (engine/nodes/ui.ts): label,
// description, summary, output labels, and per field its label, help, widget and choice words. The
// designer keeps no copy of them, so a node type is described in exactly one place.

export const say = (text: Words, language: Language): string => text[language] || text.en

export const nodeLabel = (type: NodeType, language: Language) => say(type.ui.label, language)
export const nodeDescription = (type: NodeType, language: Language) => say(type.ui.description, language)
export const categoryLabel = (category: NodeType['category'], language: Language) => say(CATEGORY_WORDS[category], language)

/** "audience.0.attribute" → "audience.*.attribute": the field's place without list positions. */
const generalPath = (path: string) => path.replace(/(^|\.)\d+(?=\.|$)/g, '$1*')

/**
 * A field's UI at a path of the node's config: the most specific entry wins ("audience.attribute" over
 * "attribute"). Undefined for list items (they are numbered) and for fields the module forgot, which
 * designer/src/node-ui.test.ts does not let happen.
 */
export function fieldUi(type: NodeType, path: string): FieldUi | undefined {
  const general = generalPath(path)
  const last = general.split('.').at(-1)!
  if (last === '*' || last === '') return undefined
  const withoutItems = general.split('.').filter((part) => part !== '*').join('.')
  const fields = type.ui.fields
  for (const key of [general, withoutItems, last]) if (Object.hasOwn(fields, key)) return fields[key]
  return undefined
}

/** A choice's words ("reEntry" "never" → "never: once per contact"); the option as written when it has none. */
export function choiceLabel(ui: FieldUi | undefined, option: string, language: Language): string {
  const choice = ui?.choices && Object.hasOwn(ui.choices, option) ? ui.choices[option] : undefined
  return choice ? say(choice, language) : option
}

/** The canvas line in the language: the module's frame around its language-neutral values. */
export function summaryText(type: NodeType, config: unknown, language: Language): string {
  return fill(say(type.ui.summary, language), type.summaryValues?.(config as never) ?? {}, language)
}

/** An output's label in the language: the module's words for a fixed output, else its own name (branches, arms). */
export function outputText(type: NodeType | undefined, output: NodeOutput, language: Language): string {
  const text = output.label && type?.ui.outputs && Object.hasOwn(type.ui.outputs, output.id) ? type.ui.outputs[output.id] : undefined
  return text ? fill(say(text, language), output.values ?? {}, language) : output.label
}

/** The event type a step's filter is about: its top-level field whose widget is "event-type". */
export function stepEventType(type: NodeType, config: Record<string, unknown>): string | null {
  for (const [name, value] of Object.entries(config)) if (typeof value === 'string' && fieldUi(type, name)?.widget === 'event-type') return value
  return null
}

/** Whether any field of the node type is edited with this widget (the panel then loads its list once). */
export const usesWidget = (type: NodeType, widget: Widget) => Object.values(type.ui.fields).some((field) => field.widget === widget)
