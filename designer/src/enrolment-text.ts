import { ApiError, describeError } from './api'

// What the campaign controls and the enrolment panel say: the API's answers turned into sentences a
// marketer reads, never JSON or codes. Pure functions, tested in enrolment-text.test.ts.

const number = new Intl.NumberFormat('en-GB')

/** "1 contact", "1,250 contacts". */
export function contactCount(n: number): string {
  return `${number.format(n)} ${n === 1 ? 'contact' : 'contacts'}`
}

/** Whole per cent done, 100 only when every row is done; an empty job counts as done once finished. */
export function percentDone(done: number, total: number, finished: boolean): number {
  if (total <= 0) return finished ? 100 : 0
  return Math.min(100, Math.floor((done * 100) / total))
}

/** Capital first letter, a full stop at the end (unless the text already ends a sentence). */
export function asSentence(text: string): string {
  const trimmed = text.trim()
  if (!trimmed) return trimmed
  const capitalised = trimmed[0]!.toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`
}

/**
 * An API error as a sentence. The API prefixes messages with the field they concern ("status: a stopped
 * campaign cannot be paused", "body: the CSV file is empty"); the reader needs the words, not the field.
 */
export function errorSentence(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return describeError(error)
    const { message, field } = error.body
    const words = field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message
    return asSentence(words)
  }
  if (error instanceof TypeError) return 'The server cannot be reached. Is `npm start` still running?'
  return asSentence(error instanceof Error ? error.message : String(error))
}

/** Why one contact was not enrolled, naming them. */
export function enrolmentRefusal(error: unknown, email: string): string {
  if (error instanceof ApiError) {
    switch (error.body.code) {
      case 'already_in_campaign':
        return `${email} is already in the campaign, so nothing changed.`
      case 're_entry_never':
        return `${email} was in this campaign before, and it takes each contact only once.`
      case 'cooling_down':
        return `${email} entered this campaign not long ago; its cool-down has not passed yet, so they were not enrolled.`
      case 'not_in_audience':
        return `${email} is not among the contacts this campaign's trigger lets in (see "who may enter"), so they were not enrolled.`
      case 'not_found':
        if (error.body.field === 'email') return `There is no contact with the address ${email} among your subsidiaries' contacts.`
    }
  }
  return errorSentence(error)
}

const SKIP_REASONS: Record<string, string> = {
  invalid_row: 'not an e-mail address',
  duplicate_row: 'repeated in the file',
  unknown_contact: 'no such contact',
  already_in_campaign: 'already in the campaign',
  re_entry_never: 'in the campaign before (it takes each contact once)',
  cooling_down: 'cool-down not passed yet',
  not_in_audience: "not among those the trigger lets in",
  campaign_stopped: 'the campaign was stopped meanwhile',
}

/** A skip reason code in words ("duplicate_row" → "repeated in the file"); unknown codes are spelled out. */
export function skipReasonLabel(reason: string): string {
  return SKIP_REASONS[reason] ?? reason.replaceAll('_', ' ')
}

/** A skipped row's message without the "line 7: " the table already shows in its own column. */
export function skippedRowMessage(message: string): string {
  return asSentence(message.replace(/^line \d+:\s*/i, ''))
}
