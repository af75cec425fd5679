/**
 * Returns a Redis URL safe to print: the password (and a lone username-as-password) is
 * replaced by `***`. Unparseable input is redacted between `//` and `@` rather than echoed.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    else if (parsed.username && !parsed.password && url.includes("@")) {
      // `redis://secret@host` is how some clients spell a password without a user.
      parsed.username = "***";
    }
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}
