import nodemailer from 'nodemailer'
import { listId, renderRecipientMail, senderDomain } from '../activities/mailing-send'
import { mailingForSend, type DueRecipientRow } from '../db/mailings'
import { mailingTemplates } from '../mailings/render'
import type { BenchSystem } from './infra'
import { cpuAccount, cpuProfiler, type CpuSpent } from './cpu-account'
import { cpuMeter, formatNumber, inFlight, loadAverage, now, perSecond, pollUntil } from './measure'

// One mailing to N recipients into the SMTP sink, against raw pooled nodemailer sending the same mail
// (the product's rendered HTML and text) N times into the same sink, with as many connections as the
// product's relay pool. The product's figure includes everything from "schedule" to the last mail:
// fixing the recipients, consent and cap checks, the send log rows, rendering, MIME, SMTP.

export interface MailingBenchResult {
  recipients: number
  connections: number
  product: MailingSide
  raw: MailingSide
  ratio: number
  compiles: { before: number; after: number }
  /** The machine's 1-minute load average as each side began and when the product finished. */
  load: { raw: number; product: number; end: number }
}

interface MailingSide {
  mailsPerSecond: number
  ms: number
  sent: number
  cpu: number
  peakRssMb: number
  peakHeapMb: number
  /** This process's and its Postgres backends' CPU per mail (ms). */
  nodeMsPerMail: number
  postgresMsPerMail: number
}

const perMail = (spent: CpuSpent, mails: number) => ({
  nodeMsPerMail: Math.round((spent.nodeMs / Math.max(1, mails)) * 100) / 100,
  postgresMsPerMail: Math.round((spent.postgresMs / Math.max(1, mails)) * 100) / 100,
})

function memoryMeter() {
  let rss = 0
  let heap = 0
  const sample = () => {
    const usage = process.memoryUsage()
    rss = Math.max(rss, usage.rss)
    heap = Math.max(heap, usage.heapUsed)
  }
  const timer = setInterval(sample, 250)
  sample()
  return { stop: () => (clearInterval(timer), sample(), { peakRssMb: Math.round(rss / 2 ** 20), peakHeapMb: Math.round(heap / 2 ** 20) }) }
}

export async function runMailing(bench: BenchSystem, options: { recipients: number; cpuProfile?: string; log: (message: string) => void }): Promise<MailingBenchResult> {
  const { system } = bench
  const sink = system.sink!
  const [fr] = await system.sql<{ id: string; account_id: string }[]>`select id, account_id from subsidiaries where code = 'FR'`
  options.log(`mailing: adding ${formatNumber(options.recipients)} FR contacts with consent`)
  await system.sql`
    insert into contacts (account_id, subsidiary_id, email, first_name, last_name, salutation, company, consent_status, tags)
    select ${fr!.account_id}, ${fr!.id}, 'lecteur' || n || '@bench-lecteurs.example', 'Prénom' || n, 'Nom' || n, case when n % 2 = 0 then 'ms' else 'mr' end, 'Société ' || n, 'granted', '{bench}'
    from generate_series(1, ${options.recipients}) n`
  // A campaign-free account: no quiet hours, a cap the benchmark does not reach.
  const segment = await bench.api('/api/segments', { body: { name: 'Bench readers', filter: { match: 'all', rules: [{ kind: 'tag', tag: 'bench', operator: 'has' }] } } })
  const created = await bench.api('/api/mailings', {
    body: {
      name: 'Lettre d’information',
      subsidiary: 'FR',
      segmentId: segment.body.id,
      content: {
        subject: { fr: 'Nouveautés pour {{ contact.company }}' },
        preheader: { fr: 'Le HydroStat 3000 est là' },
        blocks: [
          { kind: 'local', id: 'intro', body: { fr: '<mj-text>Bonjour {{ contact.firstName }}, voici nos <a href="https://www.kessler-hydraulik.example/fr/nouveautes?mt_tag=news">nouveautés</a>.</mj-text>' } },
          { kind: 'global', block: 'product-news-hydrostat-3000' },
        ],
      },
    },
  })
  if (created.status !== 201) throw new Error(`mailing not created: ${JSON.stringify(created.body)}`)
  const id = created.body.id as string
  // The raw side sends the mail the product sends: one recipient's, with their tracked and signed links
  // (a preview has none, and is a fifth shorter: 11.0 against 14.0 kB of HTML and text).
  const mailing = (await mailingForSend(system.sql, id))!
  const [reader] = await system.sql<DueRecipientRow[]>`
    select id as contact_id, email, first_name, last_name, salutation, company, attributes, locale from contacts
    where subsidiary_id = ${fr!.id} and email = 'lecteur1@bench-lecteurs.example'`
  const { set } = await mailingTemplates({ renderer: system.renderer, templateStore: system.templateStore }, mailing)
  const deps = { renderer: system.renderer, templateStore: system.templateStore, tokens: system.tokens, publicUrl: bench.baseUrl, mailDomain: bench.mailDomain }
  const { mail, unsubscribeUrl } = await renderRecipientMail(deps, mailing, set, reader!)
  const domain = senderDomain(mailing)
  // The product relay pool's default (SMTP_MAX_CONNECTIONS), which the benchmark system runs with.
  const connections = 5

  // The raw tool: pooled nodemailer, the same connections, the same mail.
  options.log(`mailing: raw pooled nodemailer, ${formatNumber(options.recipients)} mails over ${connections} connections`)
  const mailer = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, pool: true, maxConnections: connections, maxMessages: Infinity })
  const seqAtRawStart = sink.mails().at(-1)?.seq ?? 0
  const load = { raw: loadAverage()[0], product: 0, end: 0 }
  const profiler = cpuProfiler(options.cpuProfile)
  await profiler.start()
  const rawCpu = cpuMeter()
  const rawAccount = await cpuAccount(system.sql)
  const rawMemory = memoryMeter()
  await profiler.resume()
  const rawStart = now()
  await inFlight(options.recipients, connections * 20, async (index) => {
    await mailer.sendMail({
      from: { name: mailing.sender_name, address: mailing.sender_email },
      to: `lecteur${index}@bench-lecteurs.example`,
      subject: mail.subject,
      html: mail.html,
      text: mail.text,
      envelope: { from: `bounce+raw-${index}@${domain}`, to: [`lecteur${index}@bench-lecteurs.example`] },
      headers: {
        'List-Unsubscribe': `<${unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'List-ID': { prepared: true, value: listId(mailing.name, mailing.code, domain) },
        Precedence: 'bulk',
      },
    })
  })
  const rawMs = now() - rawStart
  await profiler.pause('mailing-raw')
  const rawBusy = rawCpu.busy()
  const rawSpent = await rawAccount.stop()
  const rawMem = rawMemory.stop()
  mailer.close()
  const rawSent = (sink.mails().at(-1)?.seq ?? 0) - seqAtRawStart
  options.log(`mailing: raw ${formatNumber(perSecond(rawSent, rawMs))} mails/s (${formatNumber(rawMs / 1000)} s), peak RSS ${rawMem.peakRssMb} MB`)

  // The product: one mailing, scheduled now, until the last recipient is done.
  const compilesBefore = system.renderer.stats().mjmlCompilations
  load.product = loadAverage()[0]
  const productCpu = cpuMeter()
  const productAccount = await cpuAccount(system.sql)
  const productMemory = memoryMeter()
  await profiler.resume()
  const productStart = now()
  const scheduled = await bench.api(`/api/mailings/${id}/schedule`, { body: { mode: 'now' } })
  if (scheduled.status !== 202) throw new Error(`mailing not scheduled: ${JSON.stringify(scheduled.body)}`)
  const { value, finished } = await pollUntil({
    read: async () => (await bench.api(`/api/mailings/${id}/progress`)).body as { status: string; sent: number; remaining: number; total: number; failed: number },
    done: (progress) => progress.status === 'sent',
    describe: (progress) => `mailing: ${formatNumber(progress.sent)} sent, ${formatNumber(progress.remaining)} remaining, ${formatNumber(progress.failed)} failed`,
    log: options.log,
    // Once a second: the progress query reads every recipient, and polling must not slow what it measures.
    intervalMs: 1_000,
    maxPolls: 60 * 60,
    reportMs: 10_000,
  })
  const productMs = now() - productStart
  await profiler.pause('mailing-product')
  profiler.stop()
  const productBusy = productCpu.busy()
  const productSpent = await productAccount.stop()
  const productMem = productMemory.stop()
  load.end = loadAverage()[0]
  if (!finished) throw new Error(`the mailing did not finish within 60 minutes: ${JSON.stringify(value)}`)
  const product = { mailsPerSecond: perSecond(value.sent, productMs), ms: productMs, sent: value.sent, cpu: productBusy, ...productMem, ...perMail(productSpent, value.sent) }
  const raw = { mailsPerSecond: perSecond(rawSent, rawMs), ms: rawMs, sent: rawSent, cpu: rawBusy, ...rawMem, ...perMail(rawSpent, rawSent) }
  options.log(`mailing: CPU per mail: raw ${raw.nodeMsPerMail} ms node + ${raw.postgresMsPerMail} ms postgres, product ${product.nodeMsPerMail} + ${product.postgresMsPerMail}`)
  options.log(`mailing: product ${formatNumber(product.mailsPerSecond)} mails/s (${formatNumber(productMs / 1000)} s, ${formatNumber(value.sent)} sent), peak RSS ${productMem.peakRssMb} MB; ${formatNumber(product.mailsPerSecond / raw.mailsPerSecond)}× raw; load ${load.raw} (raw) / ${load.product} (product) / ${load.end} (end)`)
  return {
    recipients: options.recipients,
    connections,
    product,
    raw,
    ratio: product.mailsPerSecond / raw.mailsPerSecond,
    compiles: { before: compilesBefore, after: system.renderer.stats().mjmlCompilations },
    load,
  }
}

export function mailingRows(result: MailingBenchResult): { benchmark: string; measure: string; product: string; raw: string; ratio: string; cpu: string }[] {
  const label = `mailing (${formatNumber(result.recipients)} recipients, ${result.connections} connections, load ${result.load.raw}/${result.load.product}/${result.load.end})`
  return [
    {
      benchmark: label,
      measure: 'mails/s into the sink vs pooled nodemailer',
      product: `${formatNumber(result.product.mailsPerSecond)} (${formatNumber(result.product.ms / 1000)} s)`,
      raw: `${formatNumber(result.raw.mailsPerSecond)} (${formatNumber(result.raw.ms / 1000)} s)`,
      ratio: `${formatNumber(result.ratio)}×`,
      cpu: `${Math.round(result.product.cpu * 100)}% / ${Math.round(result.raw.cpu * 100)}%`,
    },
    {
      benchmark: label,
      measure: 'peak RSS / heap MB (whole process)',
      product: `${result.product.peakRssMb} / ${result.product.peakHeapMb}`,
      raw: `${result.raw.peakRssMb} / ${result.raw.peakHeapMb}`,
      ratio: '',
      cpu: `MJML compiles ${result.compiles.after - result.compiles.before}`,
    },
  ]
}
