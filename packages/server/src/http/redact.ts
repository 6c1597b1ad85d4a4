/** Never log passwords, tokens, TOTP codes or cookies, in bodies, headers or URLs. */
export const logRedaction = {
  paths: [
    'req.headers.cookie',
    'req.headers.authorization',
    'res.headers["set-cookie"]',
    '*.password',
    '*.currentPassword',
    '*.newPassword',
    '*.token',
    '*.code',
    '*.secret',
    '*.otpauthUrl',
    '*.totpSecret',
    '*.passwordHash',
    '*.tokenHash',
  ],
  censor: '[redacted]',
};

// Long URL-safe path or query segments are secrets (invitation and calendar tokens): keep their shape, not their value.
export const redactUrl = (url: string): string =>
  url.replace(/([/=])[A-Za-z0-9_-]{20,}(?=[/?&#]|$)/g, (m, sep: string) =>
    /^[/=][0-9a-f-]{36}$/.test(m) ? m : `${sep}[redacted]`,
  );
