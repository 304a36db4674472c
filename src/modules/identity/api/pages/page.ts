import { createHash } from 'node:crypto';

/** A page's HTML and the Content-Security-Policy that lets exactly its own script and style run. */
export interface Page {
  readonly html: string;
  readonly csp: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const STYLE = `
  :root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: Canvas; color: CanvasText; }
  main { max-width: 26rem; padding: 2rem; }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  p { line-height: 1.5; }
  main[data-state="done"] h1 { color: #16803c; }
  main[data-state="failed"] h1 { color: #b42318; }
  form { display: grid; gap: .75rem; margin-top: 1rem; }
  label { display: grid; gap: .25rem; font-weight: 600; }
  input { font: inherit; padding: .5rem; border: 1px solid GrayText; border-radius: .375rem; }
  button { font: inherit; padding: .6rem; border: 0; border-radius: .375rem; background: #1d4ed8; color: #fff; cursor: pointer; }
  button[disabled] { opacity: .6; cursor: progress; }
  [hidden] { display: none !important; }
`;

/**
 * A self-contained page: inline style and script, allowed by their hashes and nothing
 * else (no external resource, no inline handler, no eval); it may only call this origin.
 */
export function page(options: { title: string; body: string; script: string }): Page {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${options.title} · Skyro</title>
<style>${STYLE}</style>
</head>
<body>
${options.body}
<noscript><p>This page needs JavaScript to send the link's token to the server.</p></noscript>
<script>${options.script}</script>
</body>
</html>
`;
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(options.script)}`,
    `style-src ${sha256(STYLE)}`,
    "connect-src 'self'",
    "img-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, csp };
}

/**
 * The script's shared start: the token from the fragment (`#token=...`, never sent to any
 * server, so it reaches no access log), then removed from the address bar and history.
 */
export const READ_TOKEN = `
  var main = document.getElementById('page');
  var title = document.getElementById('title');
  var detail = document.getElementById('detail');
  function show(state, heading, text) {
    main.setAttribute('data-state', state);
    title.textContent = heading;
    detail.textContent = text;
  }
  var found = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  var token = null;
  try { token = found ? decodeURIComponent(found[1]) : null; } catch (e) { token = null; }
  if (location.hash) history.replaceState(null, '', location.pathname);
  // Another link opened in this tab changes only the fragment: start over with its token.
  window.addEventListener('hashchange', function () { location.reload(); });
  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer'
    }).then(function (res) {
      return res.text().then(function (text) {
        var problem = {};
        try { problem = text ? JSON.parse(text) : {}; } catch (e) { problem = {}; }
        return { ok: res.ok, status: res.status, problem: problem };
      });
    });
  }
  function failure(answer) {
    if (answer.status === 429) return 'Too many attempts from here: wait a minute, then reload this page.';
    if (answer.status >= 500) return 'The server could not do it just now (' + answer.status + '): reload this page in a moment.';
    return (answer.problem && answer.problem.detail) || 'The server refused the request (' + answer.status + ').';
  }
  var unreachable = 'The server could not be reached: check the connection, then reload this page.';
`;
