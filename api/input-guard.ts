import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { send } from './errors'

// What Postgres cannot store, refused at the door for every route at once: a NUL character (text and
// jsonb refuse 0x00) and a lone UTF-16 surrogate (jsonb refuses "\ud800"; text would silently store
// U+FFFD). Checked on the decoded path, the query and every parsed body, so no route half-stores a
// request and then fails with a 500; the answer names the field.

const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function problemIn(text: string): string | null {
  const found = UNSTORABLE.exec(text)
  if (!found) return null
  return found[0] === '\u0000' ? 'contains a NUL character (\\u0000), which cannot be stored' : 'contains an unpaired UTF-16 surrogate, which is not valid Unicode'
}

/** The first string (or object key) in a parsed value that cannot be stored, with its path ("contact.email"). */
export function unstorableText(value: unknown, path: string, depth = 0): { field: string; message: string } | null {
  if (typeof value === 'string') {
    const problem = problemIn(value)
    return problem ? { field: path, message: `${path}: ${problem}` } : null
  }
  if (value === null || typeof value !== 'object' || depth > 64) return null
  for (const [key, item] of Object.entries(value)) {
    const field = path === 'body' ? key : `${path}.${key}`
    const keyProblem = problemIn(key)
    if (keyProblem) return { field, message: `${field}: the name ${keyProblem}` }
    const found = unstorableText(item, field, depth + 1)
    if (found) return found
  }
  return null
}

// Bodies whose UTF-8 text holds no "\u" escape: JSON can carry a NUL or a lone surrogate only as such
// an escape (a raw control character is not valid JSON, and the UTF-8 decoder turns malformed bytes,
// encoded surrogates included, into U+FFFD), so their parsed values need no walk for unstorable text.
// Other charsets (UTF-16 may decode to lone surrogates) are walked as before.
const escapeFreeBodies = new WeakSet<object>()

/** The JSON parser's `verify` hook: notes a UTF-8 body without any "\u" escape. */
export function noteEscapeFreeBody(req: object, _res: unknown, raw: Buffer, encoding: string | null): void {
  if (encoding === 'utf-8' && !raw.includes('\\u')) escapeFreeBodies.add(req)
}

/** Whether the request's body was noted escape-free by the JSON parser (no NUL, no lone surrogate possible). */
export const bodyIsEscapeFree = (req: object) => escapeFreeBodies.has(req)

/** After a body parser: refuses a body with text Postgres cannot store, naming the field. */
export function rejectUnstorableBody<P>(req: Request<P>, res: Response, next: NextFunction): void {
  if (bodyIsEscapeFree(req)) return next()
  const found = unstorableText(req.body, 'body')
  if (found) return send(res, { status: 400, code: 'invalid_input', ...found })
  next()
}

/**
 * Before routing: every path segment must decode (express would throw a URIError for "%zz" or a broken
 * UTF-8 sequence) and neither path nor query may carry text Postgres cannot store.
 */
export const rejectUnstorableUrl: RequestHandler = (req, res, next) => {
  for (const segment of req.path.split('/')) {
    let decoded: string
    try {
      decoded = decodeURIComponent(segment)
    } catch {
      return send(res, { status: 400, code: 'invalid_input', field: 'path', message: `path: "${segment.slice(0, 100)}" is not valid percent-encoding (a malformed %-escape or UTF-8 sequence)` })
    }
    const problem = problemIn(decoded)
    if (problem) return send(res, { status: 400, code: 'invalid_input', field: 'path', message: `path: "${segment.slice(0, 100)}" ${problem}` })
  }
  const found = unstorableText(req.query, 'query')
  if (found) return send(res, { status: 400, code: 'invalid_input', ...found })
  next()
}
