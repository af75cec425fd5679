const MASK = "***";

/**
 * Masks the credentials of one `scheme://userinfo@rest` string without parsing it as a URL, so
 * that input `new URL` rejects (a password with an unencoded `/`, `#` or `?`) is masked too.
 * Everything between `//` and the last `@` is taken as the user info (a host never holds `@`,
 * a password may): `user:***` when it has a user name, else `***`.
 */
function maskOne(text: string): string {
  const start = text.indexOf("//");
  if (start < 0) return text;
  const rest = text.slice(start + 2);
  const at = rest.lastIndexOf("@");
  if (at < 0) return text;
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(":");
  const masked = colon >= 0 ? `${userInfo.slice(0, colon)}:${MASK}` : MASK;
  return `${text.slice(0, start + 2)}${masked}@${rest.slice(at + 1)}`;
}

/**
 * Returns a Redis URL safe to print: the password (or a lone `redis://secret@host` user info)
 * becomes `***`; everything else is kept as written. Works on any string, valid URL or not.
 */
export function redactUrl(url: string): string {
  return maskOne(url);
}

/** Secrets a message must never contain, longest first (so a longer one is masked whole). */
export type Secrets = readonly string[];

/**
 * The forms a password can take in text: as given, percent-encoded, and (for a URL) the user
 * info as typed. Strings shorter than four characters are left out: masking every `a` of a
 * message would hide more than it protects, and the structural redaction still applies.
 */
export function secretsOf(values: readonly (string | undefined)[]): Secrets {
  const found = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    for (const form of [value, encodeURIComponent(value)]) if (form.length >= 4) found.add(form);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/** Credentials of a `redis://user:password@host` URL as typed, for {@link secretsOf}. */
export function urlUserInfo(url: string): string | undefined {
  const start = url.indexOf("//");
  if (start < 0) return undefined;
  const rest = url.slice(start + 2);
  const at = rest.lastIndexOf("@");
  if (at < 0) return undefined;
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(":");
  return colon >= 0 ? userInfo.slice(colon + 1) : userInfo;
}

const URL_WITH_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*@[^\s"'<>]*/gi;

/** Removes credentials from free text: URLs with user info are masked, known secrets replaced. */
export function redactText(text: string, secrets: Secrets = []): string {
  let out = text.replace(URL_WITH_CREDENTIALS, (match) => maskOne(match));
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}
