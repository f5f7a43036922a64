import { describe, expect, it } from 'vitest'
import { frameLocation, isUserFrame, parseStack, slashPath, userFrames, userStackLines } from '../../src/report/frames.js'

describe('stack frames on Windows', () => {
  const stack = [
    'Error',
    '    at Tracker.read (C:\\repo\\dist\\runtime\\track.js:10:5)',
    '    at Proxy.debit (C:\\proj\\src\\a.ts:3:5)',
    '    at file:///C:/proj/test/a%20b.test.ts:9:48',
    '    at async run (file:///C:/proj/node_modules/@vitest/runner/dist/index.js:1:1)',
    '    at C:\\proj\\node_modules\\tinypool\\dist\\index.js:2:2',
    '    at \\\\server\\share\\src\\b.ts:7:1',
    '    at new Promise (<anonymous>)',
  ].join('\n')

  it('parses drive-letter paths, file:///C:/ URLs and UNC paths, with / separators as Vitest has them', () => {
    expect(parseStack(stack).map((f) => `${f.fn ?? '-'} ${f.file}:${f.line}:${f.column}`)).toEqual([
      'Tracker.read C:/repo/dist/runtime/track.js:10:5',
      'Proxy.debit C:/proj/src/a.ts:3:5',
      '- C:/proj/test/a b.test.ts:9:48',
      'run C:/proj/node_modules/@vitest/runner/dist/index.js:1:1',
      '- C:/proj/node_modules/tinypool/dist/index.js:2:2',
      '- //server/share/src/b.ts:7:1',
    ])
  })

  it('keeps the user frames: not node_modules, not our own folders (given with backslashes)', () => {
    expect(userFrames(stack, ['C:\\repo\\dist\\']).map((f) => f.file)).toEqual(['C:/proj/src/a.ts', 'C:/proj/test/a b.test.ts', '//server/share/src/b.ts'])
  })

  it('the stack lines of user frames', () => {
    expect(userStackLines(stack, ['C:\\repo\\dist\\'])).toEqual([
      '    at Proxy.debit (C:\\proj\\src\\a.ts:3:5)',
      '    at file:///C:/proj/test/a%20b.test.ts:9:48',
      '    at \\\\server\\share\\src\\b.ts:7:1',
    ])
  })

  it('strips a prefix given either way', () => {
    const [, frame] = parseStack(stack)
    expect(frameLocation(frame!, 'C:\\proj')).toBe('src/a.ts:3:5')
    expect(frameLocation(frame!, 'C:/proj/')).toBe('src/a.ts:3:5')
  })

  it('POSIX paths keep their backslashes (a legal character in a name), and code without a file is not a user frame', () => {
    expect(slashPath('/p/a\\b.ts')).toBe('/p/a\\b.ts')
    expect(isUserFrame({ fn: undefined, file: 'native', line: 1, column: 1 }, [])).toBe(false)
    expect(isUserFrame({ fn: undefined, file: 'file:///p/a.ts', line: 1, column: 1 }, [])).toBe(true)
    expect(parseStack('    at file:///p/a.ts:1:2')[0]!.file).toBe('/p/a.ts')
  })
})
