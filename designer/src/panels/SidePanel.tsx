import { useState } from 'react'
import { useDesigner } from '../designer-context'
import { useT, type MessageKey } from '../i18n'
import { ConfigPanel } from './ConfigPanel'
import { ContactsPanel } from './ContactsPanel'
import { SimulationPanel } from './SimulationPanel'
import { VersionsPanel } from './VersionsPanel'

type Tab = 'step' | 'versions' | 'contacts' | 'simulate'
const TABS: { tab: Tab; label: MessageKey }[] = [
  { tab: 'step', label: 'tabs.step' },
  { tab: 'versions', label: 'tabs.versions' },
  { tab: 'contacts', label: 'tabs.contacts' },
  { tab: 'simulate', label: 'tabs.simulate' },
]

/** The right-hand panel: the selected step's settings, version history, who is in the campaign, simulation. */
export function SidePanel() {
  const t = useT()
  const [tab, setTab] = useState<Tab>('step')
  const open = useDesigner((state) => state.campaign !== null)
  if (!open) return null
  return (
    <aside className="side-panel" data-testid="side-panel">
      <div className="side-panel__tabs" role="tablist">
        {TABS.map((entry) => (
          <button
            key={entry.tab}
            type="button"
            role="tab"
            aria-selected={tab === entry.tab}
            className={`side-panel__tab${tab === entry.tab ? ' side-panel__tab--active' : ''}`}
            data-testid={`tab-${entry.tab}`}
            onClick={() => setTab(entry.tab)}
          >
            {t(entry.label)}
          </button>
        ))}
      </div>
      <div className="side-panel__body">
        {tab === 'step' && <ConfigPanel />}
        {tab === 'versions' && <VersionsPanel />}
        {tab === 'contacts' && <ContactsPanel />}
        {tab === 'simulate' && <SimulationPanel />}
      </div>
    </aside>
  )
}
