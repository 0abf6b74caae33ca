import type { NextFunction, Request, Response } from 'express'
import type { TokenSigner } from '../activities/tokens'
import { send } from './errors'

export type Role = 'admin' | 'marketer' | 'sales' | 'manager'

/** Who is calling: an API token names the account, the role and the subsidiaries the holder may see. */
export interface Caller {
  sub: string
  acc: string
  role: Role
  /** Subsidiary codes this caller may see, or "*" for all (HQ). */
  subs: string[] | '*'
  exp: number
}

declare module 'express-serve-static-core' {
  interface Request {
    caller?: Caller
  }
}

export function issueApiToken(tokens: TokenSigner, caller: Omit<Caller, 'exp'>, ttlSeconds = 30 * 86_400): string {
  return tokens.sign('api', { ...caller, exp: Math.floor(Date.now() / 1000) + ttlSeconds } satisfies Caller)
}

/** Every /api route except health runs behind this: no valid bearer token, no answer. */
export function requireCaller(tokens: TokenSigner) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.header('authorization') ?? ''
    // Segment and RudderStack sources send their write key as the Basic user name: the API token works there too.
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1]
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? (basic && Buffer.from(basic, 'base64').toString().split(':')[0])
    if (!token) return send(res, { status: 401, code: 'unauthenticated', field: 'Authorization', message: 'Authorization: send "Bearer <API token>"' })
    const caller = tokens.verify<Caller>('api', token.trim())
    if (!caller) return send(res, { status: 401, code: 'unauthenticated', field: 'Authorization', message: 'Authorization: the API token is invalid' })
    if (caller.exp * 1000 < Date.now()) return send(res, { status: 401, code: 'unauthenticated', field: 'Authorization', message: 'Authorization: the API token has expired' })
    req.caller = caller
    next()
  }
}

export function caller(req: Request): Caller {
  if (!req.caller) throw new Error('route is not behind requireCaller')
  return req.caller
}

// The scope rules live in the permission table's module; re-exported for the callers that import them from here.
export { authorsCampaigns, seesSubsidiary } from './permissions'
