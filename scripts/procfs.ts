/**
 * Chromium's processes and threads from /proc, for the bench scripts: the browser process started
 * with a marker switch, its descendants, and the CPU time each process and thread has used.
 */
import { readdir, readFile } from 'node:fs/promises'

export interface ProcessInfo {
  pid: number
  ppid: number
  /** utime + stime, in clock ticks. */
  cpuTicks: number
}
export const clockTicksPerSecond = 100
const cmdlines = new Map<number, string>()

export const readProcesses = async (): Promise<ProcessInfo[]> => {
  const entries = await readdir('/proc')
  const processes: ProcessInfo[] = []
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null)
    if (stat === null) continue
    // "pid (comm) state ppid …": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    processes.push({
      pid: Number(entry),
      ppid: Number(fields[1]),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    })
  }
  return processes
}

/** A process's threads; the main thread (tid = pid) is named "main", whatever Linux calls it. */
export const readThreads = async (pid: number): Promise<{ name: string; cpuTicks: number }[]> => {
  const tids = await readdir(`/proc/${pid}/task`).catch(() => [])
  const threads = []
  for (const tid of tids) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => null)
    if (stat === null) continue
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    threads.push({
      name: tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      cpuTicks: Number(fields[11]) + Number(fields[12]),
    })
  }
  return threads
}

export const cmdlineOf = async (pid: number): Promise<string> => {
  let cmdline = cmdlines.get(pid)
  if (cmdline === undefined) {
    cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ')
    cmdlines.set(pid, cmdline)
  }
  return cmdline
}

/** The browser process whose command line holds `marker` (its children's have a --type). */
export const findBrowserPid = async (marker: string): Promise<number> => {
  for (const { pid } of await readProcesses()) {
    const cmdline = await cmdlineOf(pid)
    if (cmdline.includes(marker) && !cmdline.includes('--type=')) return pid
  }
  throw new Error(`procfs: no browser process with ${marker}`)
}

export const descendants = (root: number, processes: ProcessInfo[]): ProcessInfo[] => {
  const children = new Map<number, ProcessInfo[]>()
  for (const each of processes) children.set(each.ppid, [...(children.get(each.ppid) ?? []), each])
  const tree = processes.filter((each) => each.pid === root)
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]?.pid ?? -1) ?? []))
  return tree
}
