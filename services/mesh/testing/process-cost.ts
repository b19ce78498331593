import { readdirSync, readFileSync } from "node:fs";

/** Open file descriptors (ZeroMQ and TCP sockets included) and resident memory of a live process, from /proc. */
export function processCost(pid: number): { fds: number; rssMb: number } {
  const fds = readdirSync(`/proc/${pid}/fd`).length;
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? Number.NaN);
  return { fds, rssMb: rssKb / 1024 };
}
