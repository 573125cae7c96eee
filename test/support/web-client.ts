/** One response as a test reads it. */
export interface WebResponse {
  status: number;
  text: string;
  location: string | null;
  headers: Headers;
}

/**
 * A browser's cookie and forms, over fetch, against any instance: the same session can be used on
 * instance A and then on instance B, as a load balancer would send it. Redirects are not followed.
 */
export class WebClient {
  cookie = '';

  constructor(readonly cookieName = 'example.sid') {}

  /** `headers`: e.g. `{ accept: 'application/json' }` to ask as a script does. */
  async get(origin: string, path: string, headers?: Record<string, string>): Promise<WebResponse> {
    return this.#send(origin, path, { method: 'GET', ...(headers ? { headers } : {}) });
  }

  /** Posts a form with the CSRF token of the page at `pagePath` (fetched on the same instance). */
  async postForm(origin: string, path: string, fields: Record<string, string> = {}, pagePath = path): Promise<WebResponse> {
    const page = await this.get(origin, pagePath);
    // A page without a form (e.g. the locked verify page) still carries it in its meta tag.
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? /<meta name="mfa-csrf-token" content="([^"]+)"/.exec(page.text)?.[1];
    if (!csrf) throw new Error(`no CSRF token on ${pagePath} (status ${page.status}): ${page.text.slice(0, 200)}`);
    return this.post(origin, path, { _csrf: csrf, ...fields });
  }

  /** Posts a form as is. */
  post(origin: string, path: string, fields: Record<string, string>): Promise<WebResponse> {
    return this.#send(origin, path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  async #send(origin: string, path: string, init: RequestInit): Promise<WebResponse> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const res = await fetch(origin + path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      if (pair!.startsWith(`${this.cookieName}=`)) this.cookie = pair!;
    }
    return { status: res.status, text: await res.text(), location: res.headers.get('location'), headers: res.headers };
  }
}
