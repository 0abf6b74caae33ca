import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifact } from '../helpers/browser'
import { mechanismProbes, Observed, operations, refusedCaller, sampleUrl } from '../helpers/error-reach'
import { startTestSystem, type TestSystem } from '../helpers/system'
import { REACHED_ELSEWHERE, scenarios } from '../helpers/error-scenarios'

// Schemathesis (PyPI, installed into .tools/venv by the prerequisite step) calls every operation of
// /api/openapi.json with generated valid and invalid input and an HQ admin's token (the role every permission admits): no answer may be a
// 5xx, and every answer must have a documented status and match its declared schema.
const SCHEMATHESIS = fileURLToPath(new URL('../../.tools/venv/bin/schemathesis', import.meta.url))
const EXAMPLES = '12'
// Every request schemathesis sent and the answer (HTTP Archive): what the reachability check reads.
const HAR = artifact('schemathesis.har')

let system: TestSystem
// A local server speaking DeepL's format (it hands the texts back), so translation routes answer as with a
// key instead of 503 "DEEPL_API_KEY is not set", which the not_a_server_error check would count.
const deepl = createServer(async (req, res) => {
  let raw = ''
  for await (const chunk of req) raw += chunk
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(JSON.stringify({ translations: (JSON.parse(raw).text as string[]).map((text) => ({ text })) }))
})
beforeAll(async () => {
  await new Promise<void>((resolve) => deepl.listen(0, '127.0.0.1', resolve))
  system = await startTestSystem({ runWorker: false, env: { DEEPL_API_KEY: 'schemathesis:fx', DEEPL_API_URL: `http://127.0.0.1:${(deepl.address() as AddressInfo).port}` } })
})
afterAll(async () => {
  await system?.stop()
  deepl.close()
})

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    // Async: the app under test answers from this very process.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

describe('the API against its own OpenAPI document', () => {
  it('answers every generated request without a 5xx and as declared', async () => {
    expect(existsSync(SCHEMATHESIS), `schemathesis is not installed: run npm test (its prerequisite step installs it) or: python3 -m venv .tools/venv && .tools/venv/bin/pip install schemathesis==4.32.5`).toBe(true)
    const result = await run(SCHEMATHESIS, [
      'run',
      `${system.baseUrl}/api/openapi.json`,
      '--header',
      `Authorization: Bearer ${await system.token({ role: 'admin' })}`,
      '--checks',
      'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
      '--max-examples',
      EXAMPLES,
      '--seed',
      '13',
      '--workers',
      '1',
      '--request-timeout',
      '30',
      '--report',
      'junit,har',
      '--report-junit-path',
      artifact('schemathesis-junit.xml'),
      '--report-har-path',
      HAR,
    ])
    writeFileSync(artifact('schemathesis.txt'), result.output)
    // The figures for the closing note: operations and generated cases, as schemathesis counts them.
    console.log(result.output.split('\n').filter((line) => /operations|test cases|passed|failed|errors?\b/i.test(line)).slice(-8).join('\n'))
    expect(result.code, result.output.slice(-6000)).toBe(0)
  }, 900_000)

  it('reaches every documented 4xx error code of every operation at least once', async () => {
    const document = await (await fetch(`${system.baseUrl}/api/openapi.json`)).json()
    const ops = operations(document)
    const observed = new Observed(ops)
    const fuzzed = existsSync(HAR) ? observed.recordHar(JSON.parse(readFileSync(HAR, 'utf8'))) : 0
    const valid = await system.token({ role: 'admin' })
    const refused = new Map<string, string>()
    let probes = 0
    for (const op of ops) {
      for (const probe of mechanismProbes(op)) {
        const headers: Record<string, string> = { ...probe.headers }
        if (probe.auth === 'valid') headers.authorization = `Bearer ${valid}`
        if (probe.auth === 'refused') {
          const who = refusedCaller(op.permission!)!
          const key = `${who.role}:${who.subs}`
          if (!refused.has(key)) refused.set(key, await system.token({ sub: `refused-${who.role}`, role: who.role, subs: who.subs }))
          headers.authorization = `Bearer ${refused.get(key)}`
        }
        const url = `${system.baseUrl}${sampleUrl(op, {})}`
        const response = await fetch(url, { method: op.method, headers, body: op.method === 'GET' ? undefined : probe.body })
        observed.record(op.method, url, response.status, await response.json().catch(() => null))
        probes++
      }
    }
    // Codes that only a particular state reaches (a conflict, a template that does not render): one scenario each.
    for (const scenario of await scenarios(system)) {
      const response = await fetch(`${system.baseUrl}${scenario.path}`, {
        method: scenario.method,
        headers: { ...scenario.headers, ...(scenario.token !== null && { authorization: `Bearer ${scenario.token ?? valid}` }), ...(scenario.body !== undefined && { 'content-type': scenario.contentType ?? 'application/json' }) },
        body: scenario.body === undefined ? undefined : typeof scenario.body === 'string' ? scenario.body : JSON.stringify(scenario.body),
      })
      const answer = await response.json().catch(() => null)
      observed.record(scenario.method, scenario.path, response.status, answer)
    }
    const declared = ops.reduce((sum, op) => sum + op.declared.size, 0)
    console.log(`error codes: ${ops.length} operations declare ${declared} (operation, 4xx status, code) pairs; observed from ${fuzzed} schemathesis requests, ${probes} probes and the scenarios; allowed unreached: ${Object.keys(REACHED_ELSEWHERE).length}`)
    expect(observed.missing(REACHED_ELSEWHERE)).toEqual([])
  }, 600_000)
})
