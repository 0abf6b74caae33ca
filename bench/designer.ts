import type { CampaignGraph } from '../engine/campaign/graph'
import type { BenchSystem } from './infra'
import { launchChromium } from '../test/helpers/browser'

// The designer with a campaign of real size: load time of a 300-step graph and frame times while the canvas
// is panned, in headless Chromium (Debian's chromium through playwright-core, no GPU). The raw figure is
// React Flow itself with nothing on the canvas, panned the same way in the same run: the ratio says what
// the 300 steps cost on top of the library's own pan.

export interface DesignerFrames {
  frames: number
  p50: number
  p95: number
  max: number
  /** Frames over 50 ms: what a user notices as a stutter. */
  over50: number
}

export interface DesignerResult {
  nodes: number
  product: { loadMs: number; pan: DesignerFrames }
  raw: { loadMs: number; pan: DesignerFrames }
  ratio: { loadMs: number; p95: number }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

export function framesOf(deltas: number[]): DesignerFrames {
  const sorted = [...deltas].sort((a, b) => a - b)
  return { frames: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0, over50: sorted.filter((d) => d > 50).length }
}

/** `count` steps in ten columns: a trigger, then chains of send / wait / update steps, each step leading to the next below. */
export function largeGraph(count: number): CampaignGraph {
  const columns = 10
  const types = [
    { type: 'send_email', config: { template: 'onboarding-welcome' } },
    { type: 'wait', config: { duration: '2d' } },
    { type: 'update_contact', config: { addTags: ['bench'] } },
  ]
  const nodes: CampaignGraph['nodes'] = []
  const edges: CampaignGraph['edges'] = []
  for (let i = 0; i < count; i++) {
    const column = i % columns
    const row = Math.floor(i / columns)
    const kind = i === 0 ? { type: 'trigger', config: { kind: 'event', eventType: 'purchase', filter: {} } } : types[i % types.length]!
    nodes.push({ id: `s${i}`, type: kind.type, position: { x: column * 320, y: row * 140 }, config: kind.config })
    if (row > 0) edges.push({ id: `e${i}`, source: `s${i - columns}`, sourceHandle: 'next', target: `s${i}` })
  }
  return { nodes, edges }
}

export async function runDesigner(system: BenchSystem, options: { nodes: number; log(message: string): void }): Promise<DesignerResult> {
  const { log } = options
  const create = async (name: string, graph: CampaignGraph) => {
    const created = await system.api('/api/campaigns', { body: { name, graph } })
    if (created.status !== 201) throw new Error(`creating the benchmark campaign failed: ${JSON.stringify(created.body)}`)
  }
  await create(`Bench ${options.nodes} steps`, largeGraph(options.nodes))
  await create('Bench empty canvas', { nodes: [], edges: [] })

  const browser = await launchChromium()
  try {
    const measure = async (name: string, expected: number) => {
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
      await page.goto(`${system.baseUrl}/#token=${system.token}`)
      const item = page.locator('[data-testid="campaign-item"]', { hasText: name })
      await item.waitFor()
      // Load: from the click on the campaign to every step drawn and measured (React Flow shows nodes once measured).
      const started = (await page.evaluate('performance.now()')) as number
      await item.click()
      await page.waitForFunction(
        `document.querySelectorAll('.react-flow__node').length === ${expected} && document.querySelector('.react-flow__viewport') !== null && [...document.querySelectorAll('.react-flow__node')].every((node) => node.style.visibility !== 'hidden')`,
        undefined,
        { timeout: 60_000 },
      )
      const loadMs = ((await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())))')) as number) - started
      // Pan: drag the empty canvas 600 px right and back in 240 mouse moves, recording every animation frame.
      // A string, not a function: tsx would wrap named functions in a helper the page does not have.
      await page.evaluate(`(() => {
        window.frameDeltas = []
        window.recording = true
        let last = performance.now()
        const tick = (now) => {
          window.frameDeltas.push(now - last)
          last = now
          if (window.recording) requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      })()`)
      const pane = (await page.locator('.react-flow__pane').boundingBox())!
      const start = { x: pane.x + pane.width / 2, y: pane.y + pane.height - 60 }
      await page.mouse.move(start.x, start.y)
      await page.mouse.down()
      for (let i = 1; i <= 120; i++) await page.mouse.move(start.x + i * 5, start.y - i)
      for (let i = 119; i >= 0; i--) await page.mouse.move(start.x + i * 5, start.y - i)
      await page.mouse.up()
      const deltas = (await page.evaluate('window.recording = false, window.frameDeltas.slice(1)')) as number[]
      await page.close()
      const pan = framesOf(deltas)
      log(`designer "${name}": loaded in ${Math.round(loadMs)} ms; pan frames p50 ${pan.p50.toFixed(1)} ms, p95 ${pan.p95.toFixed(1)} ms, max ${pan.max.toFixed(1)} ms (${pan.frames} frames, ${pan.over50} over 50 ms)`)
      return { loadMs, pan }
    }
    const raw = await measure('Bench empty canvas', 0)
    const product = await measure(`Bench ${options.nodes} steps`, options.nodes)
    return { nodes: options.nodes, product, raw, ratio: { loadMs: product.loadMs / raw.loadMs, p95: product.pan.p95 / raw.pan.p95 } }
  } finally {
    await browser.close()
  }
}
