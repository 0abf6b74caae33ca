import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import nodemailer from 'nodemailer'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendCampaignEmail, type MailDeps, type SendCampaignEmailInput } from '../../activities/send-campaign-email'
import { WEEKDAYS } from '../../engine/nodes/zoned-time'
import { startTestSystem, type TestSystem } from '../helpers/system'

// The send activity against a real database and real SMTP servers: what a retry does after each way an
// attempt can end. Retries are what Temporal does after a failed or lost attempt; here they are direct calls.
let system: TestSystem
let deps: MailDeps
let campaignId: string
let versionId: string
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
  deps = { sql: system.sql, mailer: nodemailer.createTransport(system.sink!.url), renderer: system.renderer, tokens: system.tokens, publicUrl: system.url, mailDomain: 'test.example' }
  const [campaign] = await system.sql`select id, live_version_id from campaigns where name = 'Onboarding after purchase'`
  campaignId = campaign!.id
  versionId = campaign!.live_version_id
})
afterAll(() => system?.stop())

/** A fresh enrolment of a seeded contact, as the dispatcher would create it. */
async function enrolment(email: string): Promise<SendCampaignEmailInput> {
  const [contact] = await system.sql`select id, account_id from contacts where email = ${email}`
  await system.sql`update enrolments set status = 'exited' where contact_id = ${contact!.id}`
  const [row] = await system.sql`
    insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id)
    values (${contact!.account_id}, ${campaignId}, ${versionId}, ${contact!.id}, ${randomUUID()}) returning id`
  return { enrolmentId: row!.id, accountId: contact!.account_id, campaignId, versionId, contactId: contact!.id, nodeId: 'welcome', visit: 1, template: 'onboarding-welcome' }
}
const messageRow = async (input: SendCampaignEmailInput) =>
  (await system.sql`select status, attempts, reason from messages where enrolment_id = ${input.enrolmentId} and node_id = ${input.nodeId} and visit = ${input.visit}`)[0]
const sinkCount = (messageId: string) => system.sink!.mails().filter((mail) => mail.messageId === messageId).length

/** An SMTP server that takes the whole message and then drops the connection without answering. */
async function smtpThatHangsUpAfterData(): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    let inData = false
    let buffer = ''
    socket.write('220 flaky ESMTP\r\n')
    socket.on('data', (chunk) => {
      buffer += chunk.toString()
      if (inData) {
        if (buffer.includes('\r\n.\r\n')) socket.destroy() // the body arrived; the reply never comes
        return
      }
      let end: number
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (/^(EHLO|HELO)/i.test(line)) socket.write('250 flaky\r\n')
        else if (/^DATA/i.test(line)) {
          socket.write('354 go ahead\r\n')
          inData = true
        } else socket.write('250 OK\r\n')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `smtp://127.0.0.1:${(server.address() as { port: number }).port}`, server }
}

describe('sending a campaign mail', () => {
  it('sends once, and a retry after a completed send does not send again', async () => {
    const input = await enrolment('julien.martin@martin-mecanique.example')
    const first = await sendCampaignEmail(deps, input)
    const retry = await sendCampaignEmail(deps, input)
    expect(first).toEqual({ outcome: 'sent', messageId: `<${input.enrolmentId}.welcome.1@test.example>` })
    expect(retry).toEqual(first)
    await system.sink!.waitFor((mail) => mail.messageId === first.messageId)
    expect(sinkCount(first.messageId)).toBe(1)
    expect(await messageRow(input)).toMatchObject({ status: 'sent', attempts: 1 })
  })

  it('records an attempt that died mid-transaction as unknown instead of mailing again', async () => {
    const input = await enrolment('elodie.bernard@bernard-plasturgie.example')
    // What a worker killed between handing the mail to SMTP and recording the reply leaves behind:
    await system.sql`
      insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, status, attempts)
      values (${input.accountId}, ${input.enrolmentId}, ${input.contactId}, ${campaignId}, 'welcome', 1,
              ${`<${input.enrolmentId}.welcome.1@test.example>`}, 'onboarding-welcome', 'sending', 1)`
    const outcome = await sendCampaignEmail(deps, input)
    expect(outcome.outcome).toBe('unknown')
    expect(sinkCount(outcome.messageId)).toBe(0)
    expect(await messageRow(input)).toMatchObject({ status: 'unknown', attempts: 1 })
  })

  it('records unknown when the server hangs up after the message body, and does not resend on retry', async () => {
    const flaky = await smtpThatHangsUpAfterData()
    const input = await enrolment('giulia.bianchi@bianchi-stampi.example')
    const outcome = await sendCampaignEmail({ ...deps, mailer: nodemailer.createTransport(flaky.url) }, input)
    expect(outcome.outcome).toBe('unknown')
    expect((await messageRow(input))!.status).toBe('unknown')
    const retry = await sendCampaignEmail(deps, input)
    expect(retry.outcome).toBe('unknown')
    expect(sinkCount(outcome.messageId)).toBe(0)
    flaky.server.close()
  })

  it('retries a mail the server refused, since nothing was delivered', async () => {
    const input = await enrolment('javier.garcia@garcia-prensas.example')
    const refusing = nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 2_000 }) // nothing listens on port 1
    await expect(sendCampaignEmail({ ...deps, mailer: refusing }, input)).rejects.toThrow()
    expect((await messageRow(input))!.status).toBe('failed')
    const retry = await sendCampaignEmail(deps, input)
    expect(retry.outcome).toBe('sent')
    await system.sink!.waitFor((mail) => mail.messageId === retry.messageId)
    expect(await messageRow(input)).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('gives up on a mail the server refuses for good (5xx), recording the refusal', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, callback) => callback(Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 })),
    })
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
    const input = await enrolment('marco.rossi@rossi-macchine.example')
    const outcome = await sendCampaignEmail({ ...deps, mailer: nodemailer.createTransport(`smtp://127.0.0.1:${(refusing.server.address() as { port: number }).port}`) }, input)
    expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'mail_rejected' })
    expect(await messageRow(input)).toMatchObject({ status: 'failed', reason: expect.stringContaining('550') })
    refusing.close()
  })

  it('never mails a contact without consent, and keeps the refusal on record', async () => {
    const input = await enrolment('pablo.ruiz@ruiz-hidraulica.example')
    const outcome = await sendCampaignEmail(deps, input)
    expect(outcome).toMatchObject({ outcome: 'suppressed', reason: 'no_consent' })
    expect(await messageRow(input)).toMatchObject({ status: 'suppressed', reason: 'no_consent: consent is none' })
    expect(sinkCount(outcome.messageId)).toBe(0)
  })

  // Issue 10.1: consent and the campaign are read again when each attempt starts, not only the first.
  it('suppresses the retry of a contact who unsubscribed after a failed attempt, and mails nothing', async () => {
    const input = await enrolment('lukas.weber@weber-kunststoff.example')
    const refusing = nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 2_000 })
    await expect(sendCampaignEmail({ ...deps, mailer: refusing }, input)).rejects.toThrow()
    await system.sql`update contacts set consent_status = 'revoked' where id = ${input.contactId}`
    const retry = await sendCampaignEmail(deps, input)
    expect(retry).toMatchObject({ outcome: 'suppressed', reason: 'no_consent' })
    expect(await messageRow(input)).toMatchObject({ status: 'suppressed', attempts: 1, reason: 'no_consent: consent is revoked' })
    expect(sinkCount(retry.messageId)).toBe(0)
    await system.sql`update contacts set consent_status = 'granted' where id = ${input.contactId}`
  })

  it('holds a retry while the campaign is paused, and suppresses it when the campaign was stopped meanwhile', async () => {
    const input = await enrolment('miriam.hoffmann@hoffmann-werkzeug.example')
    const refusing = nodemailer.createTransport({ host: '127.0.0.1', port: 1, connectionTimeout: 2_000 })
    await expect(sendCampaignEmail({ ...deps, mailer: refusing }, input)).rejects.toThrow()
    try {
      await system.sql`update campaigns set status = 'paused' where id = ${campaignId}`
      expect(await sendCampaignEmail(deps, input)).toMatchObject({ outcome: 'paused' })
      expect(await messageRow(input)).toMatchObject({ status: 'failed', attempts: 1 })
      await system.sql`update campaigns set status = 'stopped' where id = ${campaignId}`
      const retry = await sendCampaignEmail(deps, input)
      expect(retry).toMatchObject({ outcome: 'suppressed', reason: 'campaign_stopped' })
      expect(await messageRow(input)).toMatchObject({ status: 'suppressed', attempts: 1 })
      expect(sinkCount(retry.messageId)).toBe(0)
    } finally {
      await system.sql`update campaigns set status = 'live' where id = ${campaignId}`
    }
  })

  it('suppresses a mail that waited for quiet hours when consent was withdrawn meanwhile', async () => {
    const input = await enrolment('anna.schmidt@schmidt-pressen.example')
    // A send window of one minute after midnight, every day: closed now unless the test runs at that minute.
    await system.sql`update accounts set send_window = ${system.sql.json({ days: [...WEEKDAYS], from: '00:00', until: '00:01' })} where id = ${input.accountId}`
    try {
      expect(await sendCampaignEmail(deps, input)).toMatchObject({ outcome: 'deferred', reason: 'quiet_hours' })
      await system.sql`update contacts set consent_status = 'revoked' where id = ${input.contactId}`
    } finally {
      await system.sql`update accounts set send_window = null where id = ${input.accountId}`
    }
    const later = await sendCampaignEmail(deps, input)
    expect(later).toMatchObject({ outcome: 'suppressed', reason: 'no_consent' })
    expect(sinkCount(later.messageId)).toBe(0)
    await system.sql`update contacts set consent_status = 'granted' where id = ${input.contactId}`
  })
})
