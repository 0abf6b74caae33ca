// mailauth ships no types; the one function the DKIM test uses (mailauth/lib/dkim/verify.js).
declare module 'mailauth/lib/dkim/verify' {
  export interface DkimResult {
    signingDomain: string
    selector: string
    status: { result: 'pass' | 'fail' | 'neutral' | 'none' | 'policy' | 'temperror' | 'permerror'; comment?: string; aligned?: string | false }
  }
  export function dkimVerify(
    input: Buffer | string,
    options?: { resolver?: (name: string, rrtype: string) => Promise<string[][]>; sender?: string },
  ): Promise<{ headerFrom: string[]; envelopeFrom: string | false; results: DkimResult[] }>
}
