import { z } from 'zod'
import { parseDuration } from '../campaign/duration'
import { defineNodeType } from './node-type'
import { durationWords, words } from './ui'
import { durationSchema } from './wait'

const MAX_TIMEOUT_MS = 60_000

const config = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// address' }).max(2000),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  // How long one call may take before it counts as unanswered (and is tried again).
  timeout: durationSchema.refine((text) => parseDuration(text)! <= MAX_TIMEOUT_MS, 'a call may take at most 60 seconds').default('10s'),
  // Calls that get no answer, a 5xx, 408 or 429 are tried again with growing pauses (1 s, 2 s, 4 s …
  // up to 5 minutes); after this many the contact takes the "failed" branch. 8 tries span about 4 minutes.
  attempts: z.number().int().min(1).max(20).default(8),
  // Fixed fields the receiver needs, e.g. {"list": "hydrostat-owners"}, sent as the body's "data".
  data: z.record(z.string().min(1).max(100), z.union([z.string().max(2000), z.number(), z.boolean()])).default({}),
})

export type WebhookConfig = z.output<typeof config>

function shortUrl(url: string): string {
  // The query may carry a receiver's token: the canvas shows host and path only.
  try {
    const parsed = new URL(url)
    return parsed.host + (parsed.pathname === '/' ? '' : parsed.pathname)
  } catch {
    return url
  }
}

/**
 * Tells another system about the contact (CRM, ERP, a sales tool): a signed JSON call. The campaign
 * goes on either way: "ok" when the receiver accepted it, "failed" when it refused (4xx) or never
 * answered in all attempts, so marketers decide what a failed call means for the contact.
 */
export const webhook = defineNodeType({
  type: 'webhook',
  ui: {
    label: words('Webhook', 'Webhook', 'Webhook', 'Webhook', 'Webhook'),
    description: words(
      'Calls another system (CRM, ERP …) with the contact and the campaign, signed, and branches on whether it accepted.',
      'Ruft ein anderes System (CRM, ERP …) signiert mit Kontakt und Kampagne auf und verzweigt danach, ob es angenommen hat.',
      'Appelle un autre système (CRM, ERP …) avec le contact et la campagne, signé, et bifurque selon qu’il a accepté.',
      'Chiama un altro sistema (CRM, ERP …) con il contatto e la campagna, firmato, e si dirama a seconda che abbia accettato.',
      'Llama a otro sistema (CRM, ERP …) con el contacto y la campaña, firmado, y se bifurca según si lo aceptó.',
    ),
    summary: words(
      '{method} {url}, up to {timeout} per call',
      '{method} {url}, bis {timeout} je Aufruf',
      '{method} {url}, jusqu’à {timeout} par appel',
      '{method} {url}, fino a {timeout} per chiamata',
      '{method} {url}, hasta {timeout} por llamada',
    ),
    outputs: {
      ok: words('accepted', 'angenommen', 'accepté', 'accettato', 'aceptado'),
      failed: words('failed', 'fehlgeschlagen', 'échoué', 'fallito', 'fallido'),
    },
    fields: {
      url: {
        label: words('address', 'Adresse', 'adresse', 'indirizzo', 'dirección'),
        help: words('An http:// or https:// address.', 'Eine http://- oder https://-Adresse.', 'Une adresse http:// ou https://.', 'Un indirizzo http:// o https://.', 'Una dirección http:// o https://.'),
        widget: 'text',
      },
      method: {
        label: words('method', 'Methode', 'méthode', 'metodo', 'método'),
        help: words('The HTTP method of the call.', 'Die HTTP-Methode des Aufrufs.', 'La méthode HTTP de l’appel.', 'Il metodo HTTP della chiamata.', 'El método HTTP de la llamada.'),
        widget: 'choice',
        choices: {
          POST: words('POST', 'POST', 'POST', 'POST', 'POST'),
          PUT: words('PUT', 'PUT', 'PUT', 'PUT', 'PUT'),
          PATCH: words('PATCH', 'PATCH', 'PATCH', 'PATCH', 'PATCH'),
        },
      },
      timeout: {
        label: words('time per call', 'Zeit je Aufruf', 'durée par appel', 'tempo per chiamata', 'tiempo por llamada'),
        help: words(
          'How long one call may take before it is tried again; at most 60s.',
          'Wie lange ein Aufruf dauern darf, bevor er wiederholt wird; höchstens 60s.',
          'Durée maximale d’un appel avant un nouvel essai ; au plus 60s.',
          'Quanto può durare una chiamata prima di riprovare; al massimo 60s.',
          'Cuánto puede durar una llamada antes de reintentarla; como máximo 60s.',
        ),
        widget: 'duration',
      },
      attempts: {
        label: words('attempts', 'Versuche', 'tentatives', 'tentativi', 'intentos'),
        help: words(
          'After this many unanswered calls the contact takes "failed".',
          'Nach so vielen unbeantworteten Aufrufen nimmt der Kontakt „fehlgeschlagen“.',
          'Après autant d’appels sans réponse, le contact prend « échoué ».',
          'Dopo tante chiamate senza risposta il contatto prende «fallito».',
          'Tras tantas llamadas sin respuesta el contacto toma «fallido».',
        ),
        widget: 'number',
      },
      data: {
        label: words('fixed data', 'feste Daten', 'données fixes', 'dati fissi', 'datos fijos'),
        help: words(
          'Fields the receiver needs, sent as the body’s "data".',
          'Felder, die der Empfänger braucht, gesendet als „data“ im Inhalt.',
          'Champs dont le destinataire a besoin, envoyés dans « data ».',
          'Campi di cui il destinatario ha bisogno, inviati in «data».',
          'Campos que necesita el receptor, enviados en «data».',
        ),
        widget: 'pairs',
      },
    },
  },
  category: 'flow',
  configSchema: config,
  defaults: { url: 'https://', method: 'POST', timeout: '10s', attempts: 8, data: {} },
  hasInput: true,
  waits: false,
  outputs: () => [{ id: 'ok' }, { id: 'failed' }],
  summaryValues: (c) => ({ method: c.method, url: shortUrl(c.url), timeout: durationWords(c.timeout) }),
  step: async (c, context) => {
    const { enrolment, nodeId, visit } = context
    const result = await context.activities.callWebhook({
      ...enrolment,
      nodeId,
      visit,
      url: c.url,
      method: c.method,
      timeoutMs: parseDuration(c.timeout)!,
      attempts: c.attempts,
      data: c.data,
    })
    return { next: result.outcome === 'delivered' ? 'ok' : 'failed' }
  },
})
