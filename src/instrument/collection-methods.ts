/** Built-in methods dispatched on the receiver at run time (Map, Set, WeakMap, WeakSet, arrays, Object.keys …). */
export const COLLECTION_METHODS: ReadonlySet<string> = new Set([
  'get', 'set', 'has', 'delete', 'add', 'clear', 'forEach', 'keys', 'values', 'entries',
  'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin',
  'includes', 'indexOf', 'lastIndexOf', 'find', 'findIndex', 'findLast', 'findLastIndex', 'some', 'every',
  'map', 'filter', 'reduce', 'reduceRight', 'join', 'slice', 'at', 'concat', 'flat', 'flatMap', 'getOwnPropertyNames',
])

/** Collection methods whose first argument names the entry (a Map key, a Set member), not a value written. */
export const KEYED_FIRST: ReadonlySet<string> = new Set(['set', 'add', 'delete'])
