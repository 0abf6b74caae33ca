import { forwardRef, useImperativeHandle, useRef, useState } from 'react'
import { offsetOf } from './template-source'

export interface SourceEditorHandle {
  /** Puts the cursor at line:column and scrolls it into view. */
  goTo(line: number, column: number): void
}

// Pixels per line: the gutter and the textarea share it (styles in templates.css) so the numbers line up.
const LINE_HEIGHT = 18

/** A plain textarea with line numbers; lines with a problem are marked in the gutter. */
export const SourceEditor = forwardRef<SourceEditorHandle, { value: string; onChange(value: string): void; errorLines: Set<number>; label: string; readOnly?: boolean }>(
  function SourceEditor({ value, onChange, errorLines, label, readOnly }, ref) {
    const area = useRef<HTMLTextAreaElement>(null)
    const [scrollTop, setScrollTop] = useState(0)
    const lines = value.split('\n').length
    useImperativeHandle(ref, () => ({
      goTo(line, column) {
        const element = area.current
        if (!element) return
        const offset = offsetOf(element.value, line, column)
        element.focus()
        element.setSelectionRange(offset, offset)
        element.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT)
        setScrollTop(element.scrollTop)
      },
    }))
    return (
      <div className="source">
        <div className="source__gutter" aria-hidden="true">
          <div style={{ transform: `translateY(${-scrollTop}px)` }}>
            {Array.from({ length: lines }, (_, i) => (
              <div key={i} className={errorLines.has(i + 1) ? 'source__line source__line--error' : 'source__line'}>
                {i + 1}
              </div>
            ))}
          </div>
        </div>
        <textarea
          ref={area}
          className="source__text"
          data-testid="template-source"
          aria-label={label}
          spellCheck={false}
          wrap="off"
          readOnly={readOnly}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
        />
      </div>
    )
  },
)
