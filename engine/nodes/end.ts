import { z } from 'zod'
import { defineNodeType } from './node-type'
import { words } from './ui'

/** Ends the contact's enrolment: the campaign is done with them. */
export const end = defineNodeType({
  type: 'end',
  ui: {
    label: words('End', 'Ende', 'Fin', 'Fine', 'Fin'),
    description: words(
      'The contact leaves the campaign here.',
      'Der Kontakt verlässt die Kampagne hier.',
      'Le contact quitte la campagne ici.',
      'Il contatto esce dalla campagna qui.',
      'El contacto sale de la campaña aquí.',
    ),
    summary: words('leaves the campaign', 'verlässt die Kampagne', 'quitte la campagne', 'esce dalla campagna', 'sale de la campaña'),
    fields: {},
  },
  category: 'flow',
  configSchema: z.strictObject({}),
  defaults: {},
  hasInput: true,
  waits: false,
  outputs: () => [],
  step: async () => ({ end: true }),
})
