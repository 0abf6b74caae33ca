import { Router } from 'express'
import type { SmtpSink } from '../server/smtp-sink'

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * The development outbox: what the built-in SMTP sink received, newest first. It exists only when no
 * SMTP_URL is configured, i.e. on a developer's machine, where the mail never leaves it.
 */
export function outboxRoutes(sink: SmtpSink): Router {
  const router = Router()
  router.get('/outbox', (_req, res) => {
    const rows = sink
      .mails()
      .reverse()
      .map(
        (mail) => `<tr><td>${mail.receivedAt.toISOString().replace('T', ' ').slice(0, 19)}</td><td>${escape(mail.to.join(', '))}</td>
<td><a href="/outbox/${mail.seq}">${escape(mail.subject)}</a></td><td>${escape(mail.from)}</td><td><code>${escape(mail.messageId)}</code></td></tr>`,
      )
      .join('\n')
    res.type('html').send(`<!doctype html><meta charset="utf-8"><title>Outbox</title><meta http-equiv="refresh" content="5">
<style>body{font-family:system-ui;margin:2rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;font-size:.9rem}</style>
<h1>Outbox <small style="color:#888">(SMTP sink on ${escape(sink.url)}, ${sink.mails().length} mails)</small></h1>
<table><thead><tr><th>Received (UTC)</th><th>To</th><th>Subject</th><th>From</th><th>Message-ID</th></tr></thead><tbody>
${rows || '<tr><td colspan="5">No mail yet. Post an event (see README) and it appears here.</td></tr>'}</tbody></table>`)
  })
  router.get('/outbox/:seq', (req, res) => {
    const mail = sink.mails().find((candidate) => candidate.seq === Number(req.params.seq))
    if (!mail) return void res.status(404).type('text/plain').send('No such mail in the outbox.')
    res.type('html').send(mail.html || `<pre>${escape(mail.text)}</pre>`)
  })
  router.get('/outbox.json', (_req, res) => {
    res.json({ mails: sink.mails().map(({ html: _html, attachments, ...mail }) => ({ ...mail, attachments: attachments.map(({ content, ...a }) => ({ ...a, size: content.length })) })) })
  })
  return router
}
