import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import express, { Router, urlencoded, type Request, type Response } from 'express'
import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import { escapeHtml, publicPage } from '../templates/confirmation-texts'
import { fairInvitee } from '../db/contacts'
import { bookSlot, fairById, fairSlots } from '../db/fairs'
import { sendMeetingConfirmation } from '../fairs/meeting-mail'
import { formatSlot, meetingTextsFor } from '../fairs/meeting-texts'
import { checkFairToken } from '../fairs/tokens'
import { rejectUnstorableBody } from './input-guard'
import { compressedStatic } from './static-assets'

const FAIR_APP_DIST = fileURLToPath(new URL('../fair-app/dist/', import.meta.url))

export interface FairBookingDeps {
  sql: Sql
  tokens: TokenSigner
  mailer?: Transporter
  publicUrl?: string
  mailDomain?: string
  log: (message: string) => void
}

/**
 * Outside the API token check: the booking page an invitation links to (GET shows the reps' free slots,
 * POST books one and mails the confirmation with QR code and .ics), and the booth app's files under /fair/
 * (its own scope, so its service worker controls only the app). The signed token names contact and fair:
 * forged → 400, expired → 410.
 */
export function fairBookingRoutes(deps: FairBookingDeps): Router {
  const router = Router()

  const open = async (req: Request, res: Response) => {
    const checked = checkFairToken(deps.tokens, 'fair_booking', String(req.params.token))
    if (!checked.ok) {
      const t = meetingTextsFor('de')
      res.status(checked.reason === 'expired' ? 410 : 400).type('html').send(publicPage('de', checked.reason === 'expired' ? t.expired : t.invalid, []))
      return null
    }
    const fair = await fairById(deps.sql, checked.fairId)
    const contact = fair ? await fairInvitee(deps.sql, fair.account_id, checked.contactId) : null
    if (!fair || !contact) {
      res.status(404).type('html').send(publicPage('de', meetingTextsFor('de').invalid, []))
      return null
    }
    return { fair, contactId: checked.contactId, locale: contact.locale }
  }

  const page = async (res: Response, found: NonNullable<Awaited<ReturnType<typeof open>>>, notice?: string) => {
    const { fair, locale } = found
    const t = meetingTextsFor(locale)
    const free = (await fairSlots(deps.sql, fair.id)).filter((slot) => !slot.booked && slot.starts_at.getTime() > Date.now())
    const slots = free.length
      ? `<form method="post"><ul style="list-style:none;padding:0">${free
          .map((slot) => `<li style="margin:6px 0"><label><input type="radio" name="slot" value="${slot.id}" required> ${escapeHtml(formatSlot(locale, fair.time_zone, slot.starts_at))} · ${escapeHtml(slot.rep_name)}</label></li>`)
          .join('')}</ul><button type="submit">${escapeHtml(t.book)}</button></form>`
      : `<p>${escapeHtml(t.noSlots)}</p>`
    res.type('html').send(publicPage(locale, t.bookTitle(fair.name), [t.bookIntro(fair.place, fair.stand), ...(notice ? [notice] : [])], slots))
  }

  router.get('/fair/book/:token', async (req, res) => {
    const found = await open(req, res)
    if (found) await page(res, found)
  })

  router.post('/fair/book/:token', urlencoded({ extended: false }), rejectUnstorableBody, async (req, res) => {
    const found = await open(req, res)
    if (!found) return
    const t = meetingTextsFor(found.locale)
    const slotId = String(req.body?.slot ?? '')
    if (!/^[0-9a-f-]{36}$/i.test(slotId)) return void res.status(400).type('html').send(publicPage(found.locale, t.bookTitle(found.fair.name), ['slot: choose a slot']))
    const booked = await bookSlot(deps.sql, { accountId: found.fair.account_id, fairId: found.fair.id, slotId, contactId: found.contactId })
    if (!booked.ok) {
      res.status(409)
      return page(res, found, t.taken)
    }
    if (deps.mailer) {
      // The booking stands even if the mail fails now; the page says the mail is on its way, and it is retried on the next booking call.
      await sendMeetingConfirmation({ sql: deps.sql, mailer: deps.mailer, tokens: deps.tokens, publicUrl: deps.publicUrl ?? `${req.protocol}://${req.get('host')}`, mailDomain: deps.mailDomain ?? 'localhost' }, booked.meetingId).catch((error) =>
        deps.log(`fair meeting ${booked.meetingId}: confirmation mail not sent: ${error}`),
      )
    }
    res.type('html').send(publicPage(found.locale, t.booked, [t.bookedBody]))
  })

  // The booth app: one page under /fair/, its manifest and service worker beside it.
  // Express matches "/fair/" here too (non-strict routing): only the bare path is redirected.
  router.get('/fair', (req, res, next) => (req.originalUrl.split('?')[0] === '/fair' ? res.redirect(301, '/fair/') : next()))
  if (existsSync(FAIR_APP_DIST)) {
    router.use('/fair', compressedStatic(FAIR_APP_DIST, { setHeaders: (res, path) => path.endsWith('sw.js') && res.setHeader('Cache-Control', 'no-cache') }))
  } else {
    router.get('/fair/', (_req, res) => void res.type('text/plain').send('The booth app is not built yet: run `npm run build:designer` (npm start does it for you).'))
  }
  return router
}
