import { memo, type DragEvent } from 'react'
import { useLanguage, useT } from '../i18n'
import { nodeDescription, nodeLabel } from '../node-ui'
import { categoryLabel, paletteGroups } from '../steps'

// Built once from the registry: a node type added to engine/nodes shows up here by itself.
const groups = paletteGroups()

/** The drag payload's type: the canvas accepts drops of this kind only. */
export const STEP_DRAG_TYPE = 'application/x-campaign-step'

const startDrag = (event: DragEvent<HTMLButtonElement>, stepType: string) => {
  event.dataTransfer.setData(STEP_DRAG_TYPE, stepType)
  event.dataTransfer.effectAllowed = 'copy'
}

export const Palette = memo(function Palette({ onAdd, disabled }: { onAdd: (stepType: string) => void; disabled: boolean }) {
  const t = useT()
  const language = useLanguage((state) => state.language)
  return (
    <div className="palette" aria-label={t('palette.title')}>
      <div className="palette__title" title={t('palette.hint')}>
        {t('palette.title')}
      </div>
      {groups.map((group) => (
        <div key={group.category} className="palette__group">
          <div className="palette__group-label">{categoryLabel(group.category, language)}</div>
          {group.types.map((type) => (
            <button
              key={type.type}
              type="button"
              className={`palette__item palette__item--${group.category}`}
              data-testid="palette-item"
              data-step-type={type.type}
              title={nodeDescription(type, language)}
              disabled={disabled}
              draggable={!disabled}
              onDragStart={(event) => startDrag(event, type.type)}
              onClick={() => onAdd(type.type)}
            >
              {nodeLabel(type, language)}
            </button>
          ))}
        </div>
      ))}
    </div>
  )
})
