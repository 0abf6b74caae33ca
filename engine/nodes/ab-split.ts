import { z } from 'zod'
import { defineNodeType } from './node-type'
import { duplicateNameIssues, outputNameSchema } from './output-name'
import { words } from './ui'

const config = z.strictObject({
  arms: z
    .array(z.strictObject({ name: outputNameSchema, weight: z.number().int('a weight is a whole percentage').min(1).max(100) }))
    .min(2, 'a split needs at least two arms')
    .max(10),
})

export type AbSplitConfig = z.output<typeof config>

/**
 * Where a key falls in [0, 1): FNV-1a over the key, then murmur3's finaliser so that keys differing in
 * one character (sequential ids) still spread evenly. Plain arithmetic: no crypto in the workflow sandbox.
 */
export function splitPosition(key: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return (hash >>> 0) / 2 ** 32
}

/**
 * The arm a contact takes: always the same for the same campaign, step and contact (re-enrolments and
 * workflow replays agree), independent between steps and campaigns, and in proportion to the weights.
 */
export function chooseArm(arms: readonly { name: string; weight: number }[], key: string): string {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0)
  let point = splitPosition(key) * total
  for (const arm of arms) {
    if (point < arm.weight) return arm.name
    point -= arm.weight
  }
  return arms[arms.length - 1]!.name
}

/** Splits contacts into test arms (A/B/C …) by weight. The arm taken is the step's output in the enrolment's path. */
export const abSplit = defineNodeType({
  type: 'ab_split',
  ui: {
    label: words('A/B split', 'A/B-Test', 'Test A/B', 'Test A/B', 'Test A/B'),
    description: words(
      'Sends each contact down one of several arms at random, by weight, e.g. half to A and half to B.',
      'Schickt jeden Kontakt zufällig nach Gewicht in einen von mehreren Zweigen, z. B. die Hälfte zu A und die Hälfte zu B.',
      'Envoie chaque contact au hasard dans l’une de plusieurs branches, selon leur poids, p. ex. moitié A, moitié B.',
      'Manda ogni contatto a caso in uno di più rami, secondo il peso, ad es. metà ad A e metà a B.',
      'Envía cada contacto al azar por una de varias ramas, según su peso, p. ej. la mitad a A y la mitad a B.',
    ),
    summary: words('{arms}', '{arms}', '{arms}', '{arms}', '{arms}'),
    fields: {
      arms: {
        label: words('arms', 'Zweige', 'branches', 'rami', 'ramas'),
        help: words(
          'Each arm is an output; the weights add up to 100%.',
          'Jeder Zweig ist ein Ausgang; die Gewichte ergeben zusammen 100 %.',
          'Chaque branche est une sortie ; les poids font 100 % au total.',
          'Ogni ramo è un’uscita; i pesi sommano a 100%.',
          'Cada rama es una salida; los pesos suman 100 %.',
        ),
        widget: 'list',
      },
      name: {
        label: words('name', 'Name', 'nom', 'nome', 'nombre'),
        help: words('Also the output’s name on the canvas.', 'Zugleich der Name des Ausgangs auf der Fläche.', 'Aussi le nom de la sortie sur le canevas.', 'Anche il nome dell’uscita sulla tela.', 'También el nombre de la salida en el lienzo.'),
        widget: 'text',
      },
      weight: {
        label: words('weight in %', 'Gewicht in %', 'poids en %', 'peso in %', 'peso en %'),
        help: words('A whole percentage from 1 to 100.', 'Ein ganzer Prozentsatz von 1 bis 100.', 'Un pourcentage entier de 1 à 100.', 'Una percentuale intera da 1 a 100.', 'Un porcentaje entero de 1 a 100.'),
        widget: 'number',
      },
    },
  },
  category: 'flow',
  configSchema: config,
  defaults: {
    arms: [
      { name: 'A', weight: 50 },
      { name: 'B', weight: 50 },
    ],
  },
  hasInput: true,
  waits: false,
  outputs: (c) => c.arms.map((arm) => ({ id: arm.name, label: `${arm.name} (${arm.weight}%)` })),
  summaryValues: (c) => ({ arms: c.arms.map((arm) => `${arm.name} ${arm.weight}%`).join(' / ') }),
  validate: (c) => {
    const total = c.arms.reduce((sum, arm) => sum + arm.weight, 0)
    const weights = total === 100 ? [] : [{ field: 'arms', message: `the weights add up to ${total}%; make them add up to 100%` }]
    return [...weights, ...duplicateNameIssues(c.arms, 'arms', 'arms')]
  },
  // The campaign id is part of the key so that a contact who is in arm A of one campaign's "split" step
  // is not also in arm A of every other campaign's step of that name.
  step: async (c, context) => ({ next: chooseArm(c.arms, `${context.enrolment.campaignId}/${context.nodeId}/${context.enrolment.contactId}`) }),
})
