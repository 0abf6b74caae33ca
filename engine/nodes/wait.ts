import { z } from 'zod'
import { parseDuration } from '../campaign/duration'
import { defineNodeType, NEXT } from './node-type'
import { durationWords, words } from './ui'

export const durationSchema = z
  .string()
  .refine((text) => parseDuration(text) !== null, 'duration is a number and a unit: 45s, 30m, 12h, 3d or 2w')

const config = z.strictObject({
  duration: durationSchema,
})

/** Waits a fixed time (a durable Temporal timer: survives restarts, costs nothing while it runs). */
export const wait = defineNodeType({
  type: 'wait',
  ui: {
    label: words('Wait', 'Warten', 'Attendre', 'Attendi', 'Esperar'),
    description: words(
      'Pauses the contact here for a fixed time, e.g. 3 days.',
      'Hält den Kontakt hier eine feste Zeit an, z. B. 3 Tage.',
      'Met le contact en pause ici pour une durée fixe, p. ex. 3 jours.',
      'Ferma il contatto qui per un tempo fisso, ad es. 3 giorni.',
      'Detiene al contacto aquí un tiempo fijo, p. ej. 3 días.',
    ),
    summary: words('wait {duration}', '{duration} warten', 'attendre {duration}', 'attendi {duration}', 'esperar {duration}'),
    fields: {
      duration: {
        label: words('wait for', 'warten für', 'attendre', 'attendi per', 'esperar'),
        help: words(
          'A number and a unit: 30m, 12h, 3d or 2w.',
          'Eine Zahl und eine Einheit: 30m, 12h, 3d oder 2w.',
          'Un nombre et une unité : 30m, 12h, 3d ou 2w.',
          'Un numero e un’unità: 30m, 12h, 3d o 2w.',
          'Un número y una unidad: 30m, 12h, 3d o 2w.',
        ),
        widget: 'duration',
      },
    },
  },
  category: 'timing',
  configSchema: config,
  defaults: { duration: '3d' },
  hasInput: true,
  waits: true,
  outputs: () => [NEXT],
  summaryValues: (c) => ({ duration: durationWords(c.duration) }),
  step: async (c, context) => {
    await context.sleep(parseDuration(c.duration)!)
    return { next: NEXT.id }
  },
})
