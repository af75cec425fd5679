/** True for ENOENT: the file is gone (e.g. moved by a rotation). */
export function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}
