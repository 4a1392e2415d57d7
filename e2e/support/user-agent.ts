import { spawnScript, stopProcess, waitForHttp } from '@hallmark/testing';

/**
 * A scripted user agent: follows redirects (keeping cookies per origin, as a browser would) until
 * it reaches `stopAt` (the wallet's redirect URI), and returns that URL. `visit` may rewrite a
 * URL before it is fetched, e.g. to answer the identity provider's login page.
 */
export async function followAsUserAgent(
  start: string,
  stopAt: string,
  visit: (url: URL) => URL = (u) => u,
  maxHops = 12,
): Promise<URL> {
  const cookies = new Map<string, Map<string, string>>();
  let url = new URL(start);
  for (let hop = 0; hop < maxHops; hop++) {
    if (url.toString().startsWith(stopAt)) return url;
    url = visit(url);
    const jar = cookies.get(url.origin) ?? new Map<string, string>();
    const r = await fetch(url, {
      redirect: 'manual',
      headers: jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {},
    });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
    }
    cookies.set(url.origin, jar);
    const location = r.headers.get('location');
    if (r.status < 300 || r.status >= 400 || !location)
      throw new Error(
        `the user agent stopped at ${url.origin}${url.pathname}: HTTP ${r.status} ${(await r.text()).slice(0, 300)}`,
      );
    url = new URL(location, url);
  }
  throw new Error(`more than ${maxHops} redirects`);
}

export interface UpstreamOp {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts tools/upstream-op (oidc-provider) with one confidential client and the given accounts. */
export async function startUpstreamOp(options: {
  port: number;
  redirectUris: string[];
  clientSecret: string;
  accounts: Record<string, Record<string, unknown>>;
  logDir: string;
}): Promise<UpstreamOp> {
  const child = spawnScript(
    'tools/upstream-op/main.ts',
    'upstream-op',
    {
      UPSTREAM_OP_PORT: String(options.port),
      UPSTREAM_OP_CLIENTS: JSON.stringify([
        {
          client_id: 'hallmark',
          client_secret: options.clientSecret,
          redirect_uris: options.redirectUris,
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ]),
      UPSTREAM_OP_ACCOUNTS: JSON.stringify(options.accounts),
    },
    options.logDir,
  );
  const issuer = `http://127.0.0.1:${options.port}`;
  await waitForHttp(`${issuer}/.well-known/openid-configuration`, child);
  return { issuer, stop: () => stopProcess(child) };
}
