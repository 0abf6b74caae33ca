import { parseDuration } from '../engine/campaign/duration'
import type { EnrolPath } from './enrolment'

export const BENCHMARKS = ['rendering', 'history', 'enrolment', 'ingestion', 'handover', 'designer', 'reporting', 'sending', 'branching', 'mailing', 'crm'] as const
export type Benchmark = (typeof BENCHMARKS)[number]

export interface BenchOptions {
  benchmarks: Benchmark[]
  contacts: number
  enrolPaths: EnrolPath[]
  /** Enrolment: the bench campaign's first step (mail, or a wait before the mail). */
  enrolFirstStep: 'mail' | 'wait'
  concurrency: number
  rawMails: number
  recipients: number
  mjmlRecipients: number
  template: string
  events: number
  /** Ingestion: events per side and batch size in the batch part. */
  batchEvents: number
  batchRounds: number
  eventConcurrency: number
  handoverContacts: number
  handoverConcurrency: number
  horizon: string
  designerNodes: number
  sendMails: number
  sendConcurrency: number
  branchContacts: number
  branchConcurrency: number
  mailingRecipients: number
  reportContacts: number
  reportTouches: number
  reportDeals: number
  reportRequests: number
  timeoutMs: number
  crmContacts: number
  crmPageSize: number
  crmDirection: 'in' | 'both'
  crmRawOutSample: number
  /** Sending, mailing: a folder for CPU profiles of each side (bench/profile-summary.ts reads them). */
  cpuProfile?: string
  /** Enrolment, branching, mailing: workers in their own processes as docker-compose runs them (0: in the app's process, as npm start). */
  workerProcesses: number
  out: string
}

export const USAGE = `npm run bench -- [options]

  --only a,b            run only these: ${BENCHMARKS.join(', ')} (default: all but reporting and crm, which take minutes)
  --skip a,b            run all but these
  --contacts N          enrolment: contacts enrolled, and empty workflows of the raw baseline (10000)
  --enrol-path P        enrolment: job (CSV upload → enrolmentJob workflow), direct (enrolContact, as the dispatcher), both (job)
  --enrol-first S       enrolment: the campaign's first step, mail (mail, then wait) or wait (wait, then mail: no mail goes out meanwhile) (mail)
  --concurrency N       enrolment: in flight for raw workflow starts, raw mails and direct enrolment (50)
  --mails N             enrolment: mails nodemailer sends to the sink for the raw mail baseline (2000)
  --recipients N        rendering: recipients rendered by the product's renderer (10000: a campaign step's audience; four MJML compiles are a fixed cost)
  --mjml-recipients N   rendering: recipients compiled by raw mjml2html (300)
  --template ID         rendering: mail template (onboarding-welcome)
  --events N            ingestion: events posted singly to each endpoint after 200 warm-up requests (3000)
  --batch-events N      ingestion: events posted per side and round in batches of 100 and again of 500 (10000)
  --batch-rounds N      ingestion: rounds per batch size, the sides taking turns (3)
  --event-concurrency N ingestion: requests in flight (16)
  --handover-contacts N  handover: leads driven across the threshold, one handover mail each (100)
  --handover-concurrency N handover: leads in flight (4)
  --designer-nodes N    designer: steps on the large campaign's canvas (300)
  --send-mails N        sending: mails through the product's send activity, and through raw pooled nodemailer (1000)
  --send-concurrency N  sending: sends in flight on each path (32)
  --branch-contacts N   branching: waiting enrolments whose tracked link is clicked (100)
  --branch-concurrency N branching: clicks in flight (4)
  --mailing-recipients N mailing: recipients of the one mailing, and mails of the raw baseline (100000)
  --report-contacts N   reporting: generated contacts (1000000); --report-touches N touches (10000000); --report-deals N deals (100000)
  --report-requests N   reporting: requests per dashboard endpoint for p50/p95 (40)
  --horizon D           history: simulated time an enrolment may run at most (730d)
  --timeout D           enrolment: how long to wait for all enrolments before reporting what finished (30m)
  --crm-contacts N      crm: contacts seeded in a real BottleCRM, synced in and pushed back out (10000)
  --crm-page-size N     crm: records per page, both directions (200)
  --crm-direction D     crm: in (stop where the push begins) or both (both)
  --crm-raw-out N       crm: contacts PATCHed straight to BottleCRM for the raw outbound figure (500)
  --cpu-profile DIR     sending, mailing, branching, ingestion (batches): write a CPU profile of each side there (bench/profile-summary.ts);
                        with --worker-processes, each worker process's profile too (written as it exits)
  --worker-processes N  the product's workers in N processes of their own, as docker-compose runs them
                        (enrolment, branching, mailing, handover); 0: in the app's process, as npm start (0)
  --out FILE            where the JSON goes (bench/results/latest.json)

Environment: DATABASE_URL (a Postgres server: the benchmark creates and drops a database on it;
without it, in-memory PGlite), TEMPORAL_CLI (the temporal binary, else found as npm start finds it).`

const positive = (flag: string, text: string | undefined): number => {
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${flag} needs a positive whole number, got ${text}`)
  return value
}

const benchmarkList = (flag: string, text: string | undefined): Benchmark[] => {
  const names = (text ?? '').split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = names.filter((name) => !(BENCHMARKS as readonly string[]).includes(name))
  if (names.length === 0 || unknown.length) throw new Error(`${flag} takes a list of ${BENCHMARKS.join(', ')}; got ${text}`)
  return names as Benchmark[]
}

/** The command line, e.g. `--only enrolment --contacts 1000`; `--flag=value` works too. Throws on anything unknown. */
export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const options: BenchOptions = {
    benchmarks: BENCHMARKS.filter((name) => name !== 'reporting' && name !== 'crm'),
    contacts: 10_000,
    enrolPaths: ['job'],
    enrolFirstStep: 'mail',
    concurrency: 50,
    rawMails: 2_000,
    recipients: 10_000,
    mjmlRecipients: 300,
    template: 'onboarding-welcome',
    events: 3_000,
    batchEvents: 10_000,
    batchRounds: 3,
    eventConcurrency: 16,
    handoverContacts: 100,
    handoverConcurrency: 4,
    horizon: '730d',
    designerNodes: 300,
    sendMails: 1_000,
    sendConcurrency: 32,
    branchContacts: 100,
    branchConcurrency: 4,
    mailingRecipients: 100_000,
    reportContacts: 1_000_000,
    reportTouches: 10_000_000,
    reportDeals: 100_000,
    reportRequests: 40,
    timeoutMs: 30 * 60_000,
    crmContacts: 10_000,
    crmPageSize: 200,
    crmDirection: 'both',
    crmRawOutSample: 500,
    workerProcesses: 0,
    out: 'bench/results/latest.json',
  }
  const args = argv.flatMap((arg) => (arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg]))
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!
    const value = () => {
      const next = args[++i]
      if (next === undefined) throw new Error(`${flag} needs a value`)
      return next
    }
    switch (flag) {
      case '--help':
      case '-h':
        return 'help'
      case '--only':
        options.benchmarks = benchmarkList(flag, value())
        break
      case '--skip': {
        const skipped = benchmarkList(flag, value())
        options.benchmarks = options.benchmarks.filter((name) => !skipped.includes(name))
        break
      }
      case '--contacts':
        options.contacts = positive(flag, value())
        break
      case '--enrol-first': {
        const step = value()
        if (step !== 'mail' && step !== 'wait') throw new Error(`--enrol-first is mail or wait; got ${step}`)
        options.enrolFirstStep = step
        break
      }
      case '--enrol-path': {
        const path = value()
        if (!['job', 'direct', 'both'].includes(path)) throw new Error(`--enrol-path is job, direct or both; got ${path}`)
        options.enrolPaths = path === 'both' ? ['job', 'direct'] : [path as EnrolPath]
        break
      }
      case '--concurrency':
        options.concurrency = positive(flag, value())
        break
      case '--mails':
        options.rawMails = positive(flag, value())
        break
      case '--recipients':
        options.recipients = positive(flag, value())
        break
      case '--mjml-recipients':
        options.mjmlRecipients = positive(flag, value())
        break
      case '--template':
        options.template = value()
        break
      case '--events':
        options.events = positive(flag, value())
        break
      case '--batch-events':
        options.batchEvents = positive(flag, value())
        break
      case '--batch-rounds':
        options.batchRounds = positive(flag, value())
        break
      case '--event-concurrency':
        options.eventConcurrency = positive(flag, value())
        break
      case '--mailing-recipients':
        options.mailingRecipients = positive(flag, value())
        break
      case '--designer-nodes':
        options.designerNodes = positive(flag, value())
        break
      case '--cpu-profile':
        options.cpuProfile = value()
        break
      case '--worker-processes': {
        const text = value()
        const count = Number(text)
        if (!Number.isInteger(count) || count < 0) throw new Error(`--worker-processes needs a whole number, 0 or more, got ${text}`)
        options.workerProcesses = count
        break
      }
      case '--send-mails':
        options.sendMails = positive(flag, value())
        break
      case '--send-concurrency':
        options.sendConcurrency = positive(flag, value())
        break
      case '--branch-contacts':
        options.branchContacts = positive(flag, value())
        break
      case '--branch-concurrency':
        options.branchConcurrency = positive(flag, value())
        break
      case '--handover-contacts':
        options.handoverContacts = positive(flag, value())
        break
      case '--handover-concurrency':
        options.handoverConcurrency = positive(flag, value())
        break
      case '--report-contacts':
        options.reportContacts = positive(flag, value())
        break
      case '--report-touches':
        options.reportTouches = positive(flag, value())
        break
      case '--report-deals':
        options.reportDeals = positive(flag, value())
        break
      case '--report-requests':
        options.reportRequests = positive(flag, value())
        break
      case '--horizon': {
        options.horizon = value()
        if (parseDuration(options.horizon) === null) throw new Error(`--horizon takes a duration such as 730d; got ${options.horizon}`)
        break
      }
      case '--timeout': {
        const text = value()
        const ms = parseDuration(text)
        if (ms === null) throw new Error(`--timeout takes a duration such as 15m; got ${text}`)
        options.timeoutMs = ms
        break
      }
      case '--crm-contacts':
        options.crmContacts = positive(flag, value())
        break
      case '--crm-page-size':
        options.crmPageSize = positive(flag, value())
        break
      case '--crm-raw-out':
        options.crmRawOutSample = positive(flag, value())
        break
      case '--crm-direction': {
        const direction = value()
        if (direction !== 'in' && direction !== 'both') throw new Error(`--crm-direction is in or both; got ${direction}`)
        options.crmDirection = direction
        break
      }
      case '--out':
        options.out = value()
        break
      default:
        throw new Error(`unknown option ${flag}\n\n${USAGE}`)
    }
  }
  return options
}
