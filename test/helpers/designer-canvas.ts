import type { Page } from 'playwright-core'
import { expect } from 'vitest'

// Canvas gestures shared by the designer's Playwright tests: what a marketer does with the mouse.

/** A step card on the canvas, by its node id. */
export const step = (page: Page, id: string) => page.locator(`[data-testid="campaign-node"][data-node-id="${id}"]`)

/** Drags a step type from the palette onto the canvas at (x, y) relative to the canvas' top-left corner. */
export async function dropStep(page: Page, stepType: string, x: number, y: number) {
  const before = await page.getByTestId('campaign-node').count()
  await page.locator(`[data-testid="palette-item"][data-step-type="${stepType}"]`).dragTo(page.getByTestId('canvas'), { targetPosition: { x, y } })
  await expect.poll(() => page.getByTestId('campaign-node').count()).toBe(before + 1)
}

/** Drags from a step's output handle to another step's input handle. */
export async function connect(page: Page, source: string, output: string, target: string) {
  const before = await page.locator('.react-flow__edge').count()
  const from = (await step(page, source).locator(`.step__output[data-output-id="${output}"] .react-flow__handle`).boundingBox())!
  const to = (await step(page, target).locator('.react-flow__handle.target').boundingBox())!
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2)
  await page.mouse.down()
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 })
  await page.mouse.up()
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(before + 1)
}
