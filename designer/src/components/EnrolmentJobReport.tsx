import type { EnrolmentJob } from '../api'
import { contactCount, percentDone, skippedRowMessage, skipReasonLabel } from '../enrolment-text'

const STATUS_TEXT: Record<EnrolmentJob['status'], string> = {
  pending: 'Waiting to start…',
  running: 'Enrolling…',
  done: 'Finished',
  failed: 'Stopped',
}

const rows = (n: number) => `${n.toLocaleString('en-GB')} ${n === 1 ? 'row' : 'rows'}`

function summary(job: EnrolmentJob): string {
  const what = job.source === 'csv' ? 'rows of the file' : 'contacts of the segment'
  if (job.total === 0) return job.source === 'csv' ? 'The file has no rows to enrol.' : 'The segment matches no contacts in your subsidiaries.'
  if (job.skipped === 0) return `All ${job.total.toLocaleString('en-GB')} ${what} were enrolled.`
  if (job.enrolled === 0) return `Nobody was enrolled: all ${job.total.toLocaleString('en-GB')} ${what} were skipped.`
  return `${contactCount(job.enrolled)} enrolled, ${rows(job.skipped)} skipped.`
}

/** A bulk enrolment as it runs: a progress bar, the counts, why rows were skipped and which (by line). */
export function EnrolmentJobReport({ job, pollError, retrying }: { job: EnrolmentJob; pollError: string | null; retrying: boolean }) {
  const finished = job.status === 'done'
  const failed = job.status === 'failed'
  const percent = percentDone(job.done, job.total, finished)
  const reasons = Object.entries(job.skippedByReason).sort(([, a], [, b]) => b - a)
  const preparing = !finished && !failed && job.total === 0

  return (
    <div className="job" data-testid="enrol-result" data-state={finished ? 'done' : 'running'}>
      <div className="job__head">
        <span className="job__status">{preparing ? 'Finding the contacts…' : STATUS_TEXT[job.status]}</span>
        <span className="job__percent">{percent} %</span>
      </div>
      <div
        className={`progress${finished ? ' progress--done' : ''}`}
        role="progressbar"
        data-testid="enrol-progress"
        aria-label="Enrolment progress"
        aria-valuemin={0}
        aria-valuemax={job.total}
        aria-valuenow={job.done}
        aria-valuetext={`${job.done} of ${job.total} ${job.source === 'csv' ? 'rows' : 'contacts'} done`}
      >
        <div className="progress__bar" style={{ width: `${percent}%` }} />
      </div>
      <div className="job__counts">
        <span>
          {job.done.toLocaleString('en-GB')} of {rows(job.total)} done
        </span>
        <span className="job__count job__count--ok" data-testid="enrol-enrolled">
          {job.enrolled.toLocaleString('en-GB')} enrolled
        </span>
        <span className="job__count job__count--skipped" data-testid="enrol-skipped">
          {job.skipped.toLocaleString('en-GB')} skipped
        </span>
      </div>
      {pollError && (
        <p className="enrol__message enrol__message--error" role="alert">
          {pollError} {retrying ? 'Trying again…' : 'Its progress cannot be followed here any more.'}
        </p>
      )}
      {failed && (
        <p className="enrol__message enrol__message--error" role="alert">
          The enrolment stopped: {job.failure ?? 'an unexpected error'}. The rows done before it keep their outcome.
        </p>
      )}
      {finished && (
        <p className="enrol__message enrol__message--ok" role="status">
          {summary(job)}
        </p>
      )}
      {reasons.length > 0 && (
        <div className="job__section">
          <h3 className="job__title">Skipped, by reason</h3>
          <ul className="job__reasons">
            {reasons.map(([reason, n]) => (
              <li key={reason} data-reason={reason}>
                <span>{skipReasonLabel(reason)}</span>
                <span className="job__reason-count">{n.toLocaleString('en-GB')}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {job.skippedRows.length > 0 && (
        <div className="job__section">
          <h3 className="job__title">
            Skipped rows
            {job.skipped > job.skippedRows.length && (
              <span className="job__note"> (the first {job.skippedRows.length} of {job.skipped.toLocaleString('en-GB')})</span>
            )}
          </h3>
          <table className="skipped">
            <thead>
              <tr>
                <th scope="col">{job.source === 'csv' ? 'Line' : '#'}</th>
                <th scope="col">Address and reason</th>
              </tr>
            </thead>
            <tbody>
              {job.skippedRows.map((row) => (
                <tr key={row.line} data-testid="enrol-skipped-row" data-line={row.line} data-reason={row.reason}>
                  <td className="skipped__line">{row.line}</td>
                  <td>
                    {row.email && <div className="skipped__email">{row.email}</div>}
                    <div className="skipped__why">{skippedRowMessage(row.message)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
