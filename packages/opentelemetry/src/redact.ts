const MASK = "***";

// `scheme://userinfo@host...`: everything between `//` and the last `@` before a space, quote
// or bracket is user info (a password may hold `@`, `/`, `#` or `?`; a host never holds `@`).
const URL_WITH_USER_INFO = /([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>]*)@([^\s"'<>@]*)/gi;

/**
 * Masks the credentials of every `scheme://user:password@host` in `text`: `user:***@host`, or
 * `***@host` for a lone `redis://secret@host`. Works on any string, valid URL or not, so that a
 * store location or an error message carries no password into a label, an attribute or a span.
 */
export function maskCredentials(text: string): string {
  return text.replace(URL_WITH_USER_INFO, (_match, scheme: string, userInfo: string, rest) => {
    const colon = userInfo.indexOf(":");
    const masked = colon >= 0 ? `${userInfo.slice(0, colon)}:${MASK}` : MASK;
    return `${scheme}${masked}@${rest}`;
  });
}
