import { memo } from 'react'
import { paletteGroups } from '../steps'

// Built once from the registry: a node type added to engine/nodes shows up here by itself.
const groups = paletteGroups()

export const Palette = memo(function Palette({ onAdd }: { onAdd: (stepType: string) => void }) {
  return (
    <div className="palette" aria-label="Add step">
      <div className="palette__title">Add step</div>
      {groups.map((group) => (
        <div key={group.category} className="palette__group">
          <div className="palette__group-label">{group.label}</div>
          {group.types.map((type) => (
            <button
              key={type.type}
              type="button"
              className={`palette__item palette__item--${group.category}`}
              data-testid="palette-item"
              data-step-type={type.type}
              title={type.description}
              onClick={() => onAdd(type.type)}
            >
              {type.label}
            </button>
          ))}
        </div>
      ))}
    </div>
  )
})
