import { createMailingActivities } from '../../activities/mailing-send'
import type { RelayPool } from '../../mailings/relay-pool'
import { deriveSecret } from '../../tracking/tokens'
import type { TestSystem } from './system'

/**
 * The mailing activities wired to a test system as the worker wires them, with what a test steers itself:
 * the relay (a watched or capturing one), a DKIM key, and the clock.
 */
export function mailingActivitiesFor(system: TestSystem, options: { relay: RelayPool; dkim?: { selector: string; privateKey: string } | null; clock?: () => number }) {
  return createMailingActivities({
    sql: system.sql,
    renderer: system.renderer,
    templateStore: system.templateStore,
    tokens: system.tokens,
    publicUrl: system.url,
    mailDomain: system.config.mailDomain,
    relay: options.relay,
    dkim: options.dkim ?? null,
    verpSecret: deriveSecret(system.config.appSecret!, 'verp'),
    ...(options.clock ? { clock: options.clock } : {}),
  })
}
