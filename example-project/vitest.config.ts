import { defineConfig } from 'vitest/config'
import { race } from 'vitest-race/plugin'

export default defineConfig({
  plugins: [race({ iterations: 20, seed: 1 })],
})
