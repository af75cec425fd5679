import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";

/** The machine a run measured. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  disk: string;
  loadAverage: number[];
}

function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "";
  }
}

/** Describes the disk holding `dir`: device, filesystem, size, and whether it spins. */
function describeDisk(dir: string): string {
  const df = run("df", ["-hT", dir]).split("\n")[1]?.split(/\s+/) ?? [];
  const [device, fsType, size, , avail] = df;
  if (!device) return "unknown";
  const name = device.replace(/^\/dev\//, "").replace(/p?\d+$/, "");
  let kind = "";
  try {
    const rotational = readFileSync(`/sys/block/${name}/queue/rotational`, "utf8").trim();
    kind = rotational === "0" ? ", non-rotational" : ", rotational";
  } catch {
    // Not every device (overlay, tmpfs) says.
  }
  return `${device} (${fsType}${kind}), ${size} total, ${avail} free, at ${dir}`;
}

/** Reads what the report says about the machine. */
export function machineInfo(dir: string): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${platform()} ${release()}`,
    disk: describeDisk(dir),
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** The one-minute load average now (other work sharing the machine adds noise). */
export function currentLoad(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
