// The baseline of the threads bench: the same counter loop on the raw shared array, as a
// plain tinypool task (no vitest-race in the thread at all).
export default function ({ buffer, index, n }) {
  const c = new Int32Array(buffer)
  for (let i = 0; i < n; i++) c[index]++
  return c[index]
}
