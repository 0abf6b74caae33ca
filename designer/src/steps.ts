import { findNodeType, nodeTypes, type NodeOutput, type NodeType } from '../../engine/nodes'
import type { Language } from './i18n'
import { categoryLabel, nodeDescription, nodeLabel, outputText, summaryText } from './node-ui'

// Everything the canvas shows about a step (label, summary, handles, branch labels) is read from the
// engine's node type registry and each module's ui words, so a new node type appears in the designer,
// in every language, without designer changes.

export type StepCategory = NodeType['category']
/** Canvas node kinds: one per registry category, plus steps whose type the registry does not know. */
export type CanvasCategory = StepCategory | 'unknown'

export const CATEGORY_ORDER: readonly StepCategory[] = ['entry', 'message', 'timing', 'flow', 'goal']

export interface StepView {
  stepType: string
  known: boolean
  label: string
  description: string
  category: CanvasCategory
  hasInput: boolean
  summary: string
  outputs: NodeOutput[]
  /** False when the stored config fails the type's schema (the view then describes the defaults). */
  configValid: boolean
}

/** The step's config as its schema reads it, or the type's defaults when the config does not parse. */
export function parseStepConfig(type: NodeType, config: unknown): { config: unknown; valid: boolean } {
  const parsed = type.configSchema.safeParse(config)
  if (parsed.success) return { config: parsed.data, valid: true }
  // While one field is being typed, the card keeps showing the others: the fields in error fall back to
  // their defaults (a half-written audience rule must not turn the trigger's event into the default one).
  if (config && typeof config === 'object' && !Array.isArray(config)) {
    let rest: Record<string, unknown> = { ...(config as Record<string, unknown>) }
    let issues = parsed.error.issues
    for (let round = 0; round < 5; round++) {
      const fields = new Set(issues.map((issue) => issue.path[0]).filter((key): key is string => typeof key === 'string'))
      if (fields.size === 0) break
      rest = Object.fromEntries(Object.entries(rest).filter(([key]) => !fields.has(key)))
      const again = type.configSchema.safeParse(rest)
      if (again.success) return { config: again.data, valid: false }
      issues = again.error.issues
    }
  }
  const fallback = type.configSchema.safeParse(type.defaults)
  return { config: fallback.success ? fallback.data : type.defaults, valid: false }
}

// A step whose type no module registers (a removed node type in an old version): said in every language.
const UNKNOWN_STEP: Record<'label' | 'description', Record<Language, string>> = {
  label: { en: 'Unknown step “{type}”', de: 'Unbekannter Schritt „{type}“', fr: 'Étape inconnue « {type} »', it: 'Passo sconosciuto «{type}»', es: 'Paso desconocido «{type}»' },
  description: {
    en: 'This step type does not exist (any more); replace or remove it before publishing.',
    de: 'Diesen Schritttyp gibt es nicht (mehr); vor dem Veröffentlichen ersetzen oder entfernen.',
    fr: 'Ce type d’étape n’existe pas (ou plus) ; remplacez-la ou supprimez-la avant de publier.',
    it: 'Questo tipo di passo non esiste (più); sostituiscilo o rimuovilo prima di pubblicare.',
    es: 'Este tipo de paso no existe (ya); sustitúyelo o elimínalo antes de publicar.',
  },
}

/** The step as the canvas shows it, in the language (English unless told). */
export function describeStep(stepType: string, config: unknown, language: Language = 'en'): StepView {
  const type = findNodeType(stepType)
  if (!type) {
    return {
      stepType,
      known: false,
      label: UNKNOWN_STEP.label[language].replace('{type}', stepType),
      description: UNKNOWN_STEP.description[language],
      category: 'unknown',
      hasInput: true,
      summary: stepType,
      outputs: [],
      configValid: false,
    }
  }
  const parsed = parseStepConfig(type, config)
  return {
    stepType,
    known: true,
    label: nodeLabel(type, language),
    description: nodeDescription(type, language),
    category: type.category,
    hasInput: type.hasInput,
    summary: summaryText(type, parsed.config, language),
    outputs: type.outputs(parsed.config).map((output) => ({ id: output.id, label: outputText(type, output, language) })),
    configValid: parsed.valid,
  }
}

/** The label of one output ("clicked", "not clicked within 3 days"); '' for a plain "next". */
export function outputLabel(view: StepView, outputId: string): string {
  return view.outputs.find((output) => output.id === outputId)?.label ?? ''
}

export interface PaletteGroup {
  category: StepCategory
  types: NodeType[]
}

/** The "Add step" palette: every registered node type, grouped by category in a fixed order. */
export function paletteGroups(): PaletteGroup[] {
  const all = Object.values(nodeTypes)
  return CATEGORY_ORDER.map((category) => ({
    category,
    types: all.filter((type) => type.category === category),
  })).filter((group) => group.types.length > 0)
}

export { categoryLabel }

/** A fresh config for a new step: a copy of the type's defaults, so steps never share objects. */
export function defaultConfig(type: NodeType): Record<string, unknown> {
  return JSON.parse(JSON.stringify(type.defaults ?? {})) as Record<string, unknown>
}
