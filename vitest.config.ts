import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Nodes on a DHT testnet are CPU-heavy (Argon2, Noise); 2 workers fit a 2-core box.
    maxWorkers: 2,
    pool: 'forks'
  }
})
