/**
 * The runtime loads after the test environment has installed its globals: under happy-dom,
 * `AbortController` is the DOM library's, whose `signal` is an instance field with no
 * prototype getter to capture. Loading the built-ins there must work as with Node's.
 */
import { afterEach, expect, it, vi } from 'vitest'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.resetModules()
})

it('loads under an AbortController whose signal is an instance field (happy-dom)', async () => {
  class FieldAbortController {
    readonly signal = { aborted: false, reason: undefined as unknown }
    abort(reason?: unknown): void {
      this.signal.aborted = true
      this.signal.reason = reason
    }
  }
  vi.stubGlobal('AbortController', FieldAbortController)
  vi.resetModules()
  const { abortSignal, abortWith, SafeAbortController } = await import('../../src/runtime/builtins.js')
  const controller = new SafeAbortController()
  expect(controller).toBeInstanceOf(FieldAbortController)
  abortWith(controller, 'stop')
  expect(abortSignal(controller)).toEqual({ aborted: true, reason: 'stop' })
})

it("uses Node's signal getter where the prototype has one", async () => {
  const { abortSignal, SafeAbortController } = await import('../../src/runtime/builtins.js')
  const controller = new SafeAbortController()
  expect(abortSignal(controller)).toBe(controller.signal)
})
