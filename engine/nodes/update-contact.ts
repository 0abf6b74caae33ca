import { z } from 'zod'
import { attributeNameSchema, tagSchema } from './contact-rules'
import { defineNodeType, NEXT } from './node-type'
import { perLanguage, words } from './ui'

const config = z.strictObject({
  // null clears the attribute.
  setAttributes: z.record(attributeNameSchema, z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).default({}),
  addTags: z.array(tagSchema).max(50).default([]),
  removeTags: z.array(tagSchema).max(50).default([]),
})

export type UpdateContactConfig = z.output<typeof config>

function describeChanges(c: UpdateContactConfig): string[] {
  return [
    ...Object.entries(c.setAttributes).map(([name, value]) => (value === null ? `clear ${name}` : `${name} = ${value}`)),
    ...c.addTags.map((tag) => `tag ${tag}`),
    ...c.removeTags.map((tag) => `untag ${tag}`),
  ]
}

const CLEAR = words('clear', 'lösche', 'effacer', 'cancella', 'borrar')
const TAG = words('tag', 'Tag +', 'tag +', 'tag +', 'etiqueta +')
const UNTAG = words('untag', 'Tag −', 'tag −', 'tag −', 'etiqueta −')
const NO_CHANGES = words('no changes yet', 'noch keine Änderungen', 'aucune modification', 'nessuna modifica', 'sin cambios aún')

function changeWords(c: UpdateContactConfig) {
  return perLanguage((language) => {
    const changes = [
      ...Object.entries(c.setAttributes).map(([name, value]) => (value === null ? `${CLEAR[language]} ${name}` : `${name} = ${value}`)),
      ...c.addTags.map((tag) => `${TAG[language]} ${tag}`),
      ...c.removeTags.map((tag) => `${UNTAG[language]} ${tag}`),
    ]
    return changes.join(', ') || NO_CHANGES[language]
  })
}

/** Records what the campaign learnt about the contact: attributes set or cleared, tags added or removed. */
export const updateContact = defineNodeType({
  type: 'update_contact',
  ui: {
    label: words('Update contact', 'Kontakt ändern', 'Modifier le contact', 'Modifica contatto', 'Modificar contacto'),
    description: words(
      'Sets attributes and adds or removes tags on the contact, e.g. tag "onboarded" at the end of onboarding.',
      'Setzt Attribute und fügt dem Kontakt Tags hinzu oder entfernt sie, z. B. Tag „onboarded“ am Ende des Onboardings.',
      'Définit des attributs et ajoute ou retire des tags au contact, p. ex. le tag « onboarded » en fin d’onboarding.',
      'Imposta attributi e aggiunge o rimuove tag al contatto, ad es. il tag «onboarded» alla fine dell’onboarding.',
      'Fija atributos y añade o quita etiquetas al contacto, p. ej. la etiqueta «onboarded» al final del onboarding.',
    ),
    summary: words('{changes}', '{changes}', '{changes}', '{changes}', '{changes}'),
    fields: {
      setAttributes: {
        label: words('set attributes', 'Attribute setzen', 'définir des attributs', 'imposta attributi', 'fijar atributos'),
        help: words('An empty value clears the attribute.', 'Ein leerer Wert löscht das Attribut.', 'Une valeur vide efface l’attribut.', 'Un valore vuoto cancella l’attributo.', 'Un valor vacío borra el atributo.'),
        widget: 'pairs',
      },
      addTags: {
        label: words('add tags', 'Tags hinzufügen', 'ajouter des tags', 'aggiungi tag', 'añadir etiquetas'),
        help: words('Tags the contact gets.', 'Tags, die der Kontakt erhält.', 'Tags que reçoit le contact.', 'Tag che il contatto riceve.', 'Etiquetas que recibe el contacto.'),
        widget: 'list',
      },
      removeTags: {
        label: words('remove tags', 'Tags entfernen', 'retirer des tags', 'rimuovi tag', 'quitar etiquetas'),
        help: words('Tags taken off the contact.', 'Tags, die dem Kontakt genommen werden.', 'Tags retirés au contact.', 'Tag tolti al contatto.', 'Etiquetas que se quitan al contacto.'),
        widget: 'list',
      },
    },
  },
  category: 'flow',
  configSchema: config,
  defaults: { setAttributes: {}, addTags: [], removeTags: [] },
  writesAttributes: (c) => Object.keys(c.setAttributes),
  hasInput: true,
  waits: false,
  outputs: () => [NEXT],
  summaryValues: (c) => ({ changes: changeWords(c) }),
  validate: (c) => {
    const issues: { field?: string; message: string }[] = []
    if (describeChanges(c).length === 0) issues.push({ message: 'choose at least one attribute to set or tag to add or remove' })
    for (const tag of c.addTags) if (c.removeTags.includes(tag)) issues.push({ field: 'removeTags', message: `tag "${tag}" is both added and removed` })
    return issues
  },
  step: async (c, context) => {
    const { accountId, contactId } = context.enrolment
    await context.activities.updateContact({ accountId, contactId, setAttributes: c.setAttributes, addTags: c.addTags, removeTags: c.removeTags })
    return { next: NEXT.id }
  },
})
