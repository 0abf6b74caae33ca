import { mkdirSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

// Debian's chromium, driven by playwright-core: no browser is ever downloaded. Headless without a GPU,
// sandbox or background traffic, as on CI machines and containers.
const CHROMIUM = '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking']

/** `extraArgs`: e.g. Chromium's fake camera playing a file (--use-file-for-fake-video-capture). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...extraArgs] })
}

/** Where a browser test's screenshot goes: test/artifacts/<name> (git-ignored). */
export function artifact(name: string): string {
  const folder = new URL('../artifacts/', import.meta.url)
  mkdirSync(folder, { recursive: true })
  return new URL(name, folder).pathname
}
