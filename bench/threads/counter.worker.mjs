// The instrumented side of the threads bench: the user's worker module, a counter loop on
// this thread's own slot of a shared array (no race: the figure is the cost, not a report).
export default function ({ shared, index }) {
  const n = shared.n[0]
  const c = shared.counts
  for (let i = 0; i < n; i++) c[index]++
}
