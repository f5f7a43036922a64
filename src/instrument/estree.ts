/**
 * The ESTree nodes the transform walks, as oxc-parser produces them (offsets in UTF-16 code
 * units). Typed loosely on purpose: the walker checks `type` before it reads a field.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = { readonly type: string; readonly start: number; readonly end: number; readonly [field: string]: any }
