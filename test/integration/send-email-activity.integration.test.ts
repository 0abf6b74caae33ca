import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:net'
import nodemailer from 'nodemailer'
import postgres from 'postgres'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { campaignMessageId, sendCampaignEmail, type MailDeps, type SendCampaignEmailInput } from '../../activities/send-campaign-email'
import { WEEKDAYS } from '../../engine/nodes/zoned-time'
import { httpRelayReceipts } from '../../server/relay-receipts'
import { startSmtpSink, type SmtpSink } from '../../server/smtp-sink'
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
afterAll(async () => {
  await relaySink?.stop()
  await system?.stop()
})

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
const campaignMessageIdOf = (input: SendCampaignEmailInput) => campaignMessageId(input, 'test.example')
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

  it('keeps the weekly frequency cap when several sends to one contact run at once', async () => {
    const email = 'elodie.bernard@bernard-plasturgie.example'
    const base = await enrolment(email)
    const inputs = ['cap-a', 'cap-b', 'cap-c', 'cap-d', 'cap-e', 'cap-f'].map((nodeId) => ({ ...base, nodeId }))
    const earlier = (await system.sql<{ n: number }[]>`
      select count(*)::int as n from messages where contact_id = ${inputs[0]!.contactId} and status in ('pending', 'sending', 'sent', 'unknown') and created_at > now() - interval '7 days'`)[0]!.n
    await system.sql`update accounts set frequency_cap_per_week = ${earlier + 2} where id = ${base.accountId}`
    try {
      // Another send holds her lock and is about to commit her last two slots of the week, while six steps
      // want to mail her at the same moment (as several campaigns' steps would): they wait for the lock and
      // must then count the two mails it committed, so none of them goes.
      // Its own connections: the sends may take every connection of the system's pool while they wait.
      const other = postgres(system.databaseUrl, { max: 2, onnotice: () => {} })
      let sends: Promise<Awaited<ReturnType<typeof sendCampaignEmail>>[]> | undefined
      await other.begin(async (tx) => {
        await tx`select 1 from contacts where id = ${base.contactId} for update`
        sends = Promise.all(inputs.map((input) => sendCampaignEmail(deps, input)))
        await expect.poll(async () => (await other`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).length, { timeout: 5_000 }).toBeGreaterThan(0)
        await tx`
          insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, status)
          select ${base.accountId}, ${base.enrolmentId}, ${base.contactId}, ${campaignId}, 'cap-other-' || i, 1, '<cap-other-' || i || '-' || ${base.enrolmentId} || '@test.example>', 'onboarding-welcome', 'sent'
          from generate_series(1, 2) i`
      }).finally(() => other.end())
      // Committed: the lock is released and the sends count.
      const outcomes = await sends!
      expect(outcomes.map((o) => o.outcome)).toEqual(Array(6).fill('deferred'))
      expect(inputs.map((input) => sinkCount(campaignMessageIdOf(input))).reduce((a, b) => a + b, 0)).toBe(0)
      // One more slot: exactly one of the six goes, however they race.
      await system.sql`update accounts set frequency_cap_per_week = ${earlier + 3} where id = ${base.accountId}`
      const again = await Promise.all(inputs.map((input) => sendCampaignEmail(deps, input)))
      expect(again.filter((o) => o.outcome === 'sent')).toHaveLength(1)
      expect(again.filter((o) => o.outcome === 'deferred' && o.reason === 'frequency_cap')).toHaveLength(5)
    } finally {
      await system.sql`update accounts set frequency_cap_per_week = 5 where id = ${base.accountId}`
    }
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

  it('lists a mail whose outcome is unknown in the API, within the caller\'s subsidiaries', async () => {
    const input = await enrolment('claire.dupont@dupont-industrie.example')
    await system.sql`
      insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, recipient, status, attempts)
      values (${input.accountId}, ${input.enrolmentId}, ${input.contactId}, ${campaignId}, 'welcome', 1,
              ${`<${input.enrolmentId}.welcome.1@test.example>`}, 'onboarding-welcome', 'claire.dupont@dupont-industrie.example', 'sending', 1)`
    expect((await sendCampaignEmail(deps, input)).outcome).toBe('unknown')
    const listed = await system.api(`/api/campaigns/${campaignId}/messages/unresolved`)
    expect(listed.status).toBe(200)
    expect(listed.body.messages).toContainEqual(
      expect.objectContaining({ messageId: `<${input.enrolmentId}.welcome.1@test.example>`, status: 'unknown', recipient: 'claire.dupont@dupont-industrie.example', subsidiary: 'FR', attempts: 1 }),
    )
    const german = await system.api(`/api/campaigns/${campaignId}/messages/unresolved`, { token: system.token({ role: 'marketer', subs: ['DE'] }) })
    expect(german.status).toBe(200)
    expect(german.body.messages.map((m: { messageId: string }) => m.messageId)).not.toContain(`<${input.enrolmentId}.welcome.1@test.example>`)
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

  it('suppresses a mail whose contact unsubscribed after the send began, as its body was about to leave', async () => {
    const input = await enrolment('lukas.weber@weber-kunststoff.example')
    // The unsubscribe lands once the activity has read the contact and rendered the mail, as nodemailer
    // compiles it: only the statement that marks the mail 'sending' can still see it.
    const unsubscribing = nodemailer.createTransport(system.sink!.url)
    unsubscribing.use('compile', (_mail, done) => {
      system.sql`update contacts set consent_status = 'revoked' where id = ${input.contactId}`.then(() => done(), done)
    })
    try {
      const outcome = await sendCampaignEmail({ ...deps, mailer: unsubscribing }, input)
      expect(outcome).toMatchObject({ outcome: 'suppressed', reason: 'no_consent' })
      expect(await messageRow(input)).toMatchObject({ status: 'suppressed', attempts: 0, reason: 'no_consent: consent is revoked' })
      expect(sinkCount(outcome.messageId)).toBe(0)
    } finally {
      await system.sql`update contacts set consent_status = 'granted' where id = ${input.contactId}`
    }
  })
})

// A relay that keeps a record of what it accepted (SMTP_RECEIPTS_URL; here the SMTP sink's): a send an
// interrupted attempt left 'sending' is settled by Message-ID, so it is neither lost nor sent twice.
let relaySink: SmtpSink | undefined
describe('settling a send an interrupted attempt left open, with the relay\'s record', () => {
  let relayDeps: MailDeps
  beforeAll(async () => {
    relaySink = await startSmtpSink({ port: 0, receipts: true })
    relayDeps = { ...deps, mailer: nodemailer.createTransport(relaySink.url), relay: { receipts: httpRelayReceipts(relaySink.receiptsUrl!), settleMs: 0 } }
  })
  const atRelay = (messageId: string) => relaySink!.mails().filter((mail) => mail.messageId === messageId).length
  /** What a worker SIGKILLed between committing 'sending' and the relay's answer leaves in the send log. */
  const killedWhileSending = async (input: SendCampaignEmailInput) => {
    const messageId = `<${input.enrolmentId}.${input.nodeId}.${input.visit}@test.example>`
    await system.sql`
      insert into messages (account_id, enrolment_id, contact_id, campaign_id, node_id, visit, message_id, template, status, attempts)
      values (${input.accountId}, ${input.enrolmentId}, ${input.contactId}, ${campaignId}, ${input.nodeId}, ${input.visit}, ${messageId}, 'onboarding-welcome', 'sending', 1)`
    return messageId
  }
  /** The copy the killed attempt got through: the relay took its final "." and answered into a dead socket. */
  const deliveredByKilledAttempt = (messageId: string, to: string) =>
    nodemailer.createTransport(relaySink!.url).sendMail({ from: 'kessler@test.example', to, subject: 'Willkommen', text: 'the killed attempt', messageId })

  it('records the mail sent when the relay accepted it before the worker died, and does not send it again', async () => {
    const input = await enrolment('jonas.becker@becker-maschinenbau.example')
    const messageId = await killedWhileSending({ ...input, nodeId: 'settled-sent' })
    await deliveredByKilledAttempt(messageId, 'jonas.becker@becker-maschinenbau.example')
    const retry = await sendCampaignEmail(relayDeps, { ...input, nodeId: 'settled-sent' })
    expect(retry).toEqual({ outcome: 'sent', messageId })
    expect(atRelay(messageId)).toBe(1)
    expect(await messageRow({ ...input, nodeId: 'settled-sent' })).toMatchObject({ status: 'sent', attempts: 1 })
    const [row] = await system.sql`select smtp_response, sending_at, sent_at from messages where message_id = ${messageId}`
    expect(row!.smtp_response).toMatch(/^reconciled: the relay has accepted/)
    expect(row!.sending_at).not.toBeNull()
  })

  it('sends the mail once when the relay never accepted it (the worker died before the relay took the final ".")', async () => {
    const input = await enrolment('lucia.fernandez@fernandez-metal.example')
    const messageId = await killedWhileSending({ ...input, nodeId: 'settled-resend' })
    const retry = await sendCampaignEmail(relayDeps, { ...input, nodeId: 'settled-resend' })
    expect(retry).toEqual({ outcome: 'sent', messageId })
    await relaySink!.waitFor((mail) => mail.messageId === messageId)
    expect(atRelay(messageId)).toBe(1)
    expect(await messageRow({ ...input, nodeId: 'settled-resend' })).toMatchObject({ status: 'sent', attempts: 2 })
    // A later retry (the activity's answer lost) finds it sent.
    expect(await sendCampaignEmail(relayDeps, { ...input, nodeId: 'settled-resend' })).toEqual({ outcome: 'sent', messageId })
    expect(atRelay(messageId)).toBe(1)
  })

  it('asks the relay only once an attempt still alive must have had its answer, so its late copy is not doubled', async () => {
    const input = await enrolment('julien.martin@martin-mecanique.example')
    const messageId = await killedWhileSending({ ...input, nodeId: 'settled-late' })
    // The retry starts while the earlier attempt (not dead after all, only slow) is still delivering its copy.
    const retry = sendCampaignEmail({ ...relayDeps, relay: { ...relayDeps.relay!, settleMs: 4_000 } }, { ...input, nodeId: 'settled-late' })
    await deliveredByKilledAttempt(messageId, 'julien.martin@martin-mecanique.example')
    expect(await retry).toEqual({ outcome: 'sent', messageId })
    expect(atRelay(messageId)).toBe(1)
  })

  it('leaves a mail whose answer was lost after the final "." to be settled by the retry, which sends it once', async () => {
    const flaky = await smtpThatHangsUpAfterData()
    const input = await enrolment('giulia.bianchi@bianchi-stampi.example')
    const input2 = { ...input, nodeId: 'settled-hangup' }
    await expect(sendCampaignEmail({ ...relayDeps, mailer: nodemailer.createTransport(flaky.url) }, input2)).rejects.toMatchObject({ type: 'RelayAnswerLost' })
    expect((await messageRow(input2))!.status).toBe('sending')
    // The relay here is the sink: it never got this message, so the retry sends it.
    const retry = await sendCampaignEmail(relayDeps, input2)
    expect(retry.outcome).toBe('sent')
    expect(atRelay(retry.messageId)).toBe(1)
    expect(await messageRow(input2)).toMatchObject({ status: 'sent', attempts: 2, reason: 'reconciled: the relay never accepted the interrupted attempt; sent again' })
    flaky.server.close()
  })
})
