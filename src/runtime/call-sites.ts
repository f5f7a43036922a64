/**
 * The instrumented calls running now (`H.f`, access-hooks.ts), innermost last. A call goes
 * through the hook, so a stack captured inside it (a track() proxy's trap, a fanOut) has the
 * hook's frame, and under it the caller's frame at a position the source map cannot place
 * (the inserted hook call has no original position). Captured stacks put each caller's frame
 * back at its call's own line and column.
 */
import type { RuntimeSite } from './site-table.js'

/** Sites of the hook calls on the stack now, outermost first (undefined where unknown). */
export const activeCalls: (RuntimeSite | undefined)[] = []

/** A frame of the call hook itself. */
const HOOK_FRAME = /^\s*at (?:Object\.)?f \(.*[\\/]access-hooks\.[cm]?[jt]s:\d+:\d+\)$/

/** `stack` with the frame under each hook frame placed at its call site. */
export function placeCallFrames(stack: string): string {
  if (activeCalls.length === 0 || !stack.includes('access-hooks')) return stack
  const lines = stack.split('\n')
  let k = activeCalls.length - 1
  for (let i = 0; i < lines.length - 1 && k >= 0; i++) {
    if (!HOOK_FRAME.test(lines[i]!)) continue
    const site = activeCalls[k--]
    if (site === undefined) continue
    lines[i + 1] = lines[i + 1]!.replace(/:\d+:\d+(\)?)$/, `:${site.line}:${site.col}$1`)
  }
  return lines.join('\n')
}
