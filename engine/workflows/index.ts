// The workflow bundle's entry point: every workflow type the worker registers.
export { campaignEnrolment } from './enrolment'
export { campaignTriggerScan } from './trigger-scan'
export { enrolmentJob } from './enrolment-job'
export { doubleOptInMail } from './double-opt-in'
export { leadHandover } from './handover'
export { scoringJob, scoringDecayPass } from './scoring-job'
export { crmSync } from './crm-sync'
export { mailingSend } from './mailing'
