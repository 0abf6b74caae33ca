import { describe, expect, it } from 'vitest'
import { ApiError } from './api'
import { asSentence, contactCount, enrolmentRefusal, errorSentence, percentDone, skippedRowMessage, skipReasonLabel } from './enrolment-text'

const apiError = (status: number, code: string, message: string, field?: string) => new ApiError(status, { code, message, ...(field ? { field } : {}) })

describe('enrolment and control messages', () => {
  it('turns API errors into sentences without the field prefix', () => {
    expect(errorSentence(apiError(409, 'conflict', 'status: a stopped campaign cannot be paused', 'status'))).toBe('A stopped campaign cannot be paused.')
    expect(errorSentence(apiError(400, 'no_email_column', 'line 1: the header has no "email" column (found: "name", "firma")', 'body'))).toBe(
      'Line 1: the header has no "email" column (found: "name", "firma").',
    )
    expect(errorSentence(apiError(400, 'empty', 'body: the CSV file is empty', 'body'))).toBe('The CSV file is empty.')
    expect(errorSentence(apiError(403, 'forbidden', 'only HQ marketers pause campaigns'))).toBe('Only HQ marketers pause campaigns.')
    expect(errorSentence(new TypeError('Failed to fetch'))).toMatch(/cannot be reached/)
  })

  it('says why one contact was not enrolled, naming them', () => {
    const email = 'claire.dupont@dupont-industrie.example'
    expect(enrolmentRefusal(apiError(409, 'already_in_campaign', 'the contact is in this campaign right now'), email)).toBe(
      `${email} is already in the campaign, so nothing changed.`,
    )
    expect(enrolmentRefusal(apiError(409, 're_entry_never', '…'), email)).toMatch(/takes each contact only once/)
    expect(enrolmentRefusal(apiError(409, 'cooling_down', '…'), email)).toMatch(/cool-down has not passed/)
    expect(enrolmentRefusal(apiError(404, 'not_found', 'email: no such contact in your subsidiaries', 'email'), 'x@y.example')).toMatch(
      /^There is no contact with the address x@y\.example/,
    )
    expect(enrolmentRefusal(apiError(409, 'campaign_not_live', 'status: the campaign is stopped; only live (or paused) campaigns take enrolments', 'status'), email)).toBe(
      'The campaign is stopped; only live (or paused) campaigns take enrolments.',
    )
  })

  it('counts, per cents and labels', () => {
    expect(contactCount(1)).toBe('1 contact')
    expect(contactCount(1250)).toBe('1,250 contacts')
    expect(percentDone(3, 7, false)).toBe(42)
    expect(percentDone(7, 7, true)).toBe(100)
    expect(percentDone(0, 0, false)).toBe(0)
    expect(percentDone(0, 0, true)).toBe(100)
    expect(skipReasonLabel('duplicate_row')).toBe('repeated in the file')
    expect(skipReasonLabel('some_new_reason')).toBe('some new reason')
    expect(skippedRowMessage('line 7: "not-an-address" is not an e-mail address')).toBe('"not-an-address" is not an e-mail address.')
    expect(skippedRowMessage('no such contact in your subsidiaries')).toBe('No such contact in your subsidiaries.')
    expect(asSentence('Done!')).toBe('Done!')
  })
})
