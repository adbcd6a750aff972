/**
 * @module openapi/docs-page
 * The HTML of `/docs`: Swagger UI from local files only, no inline script, and a Content Security
 * Policy that holds it to that (inline styles and `data:` images are Swagger UI's own needs).
 */
import { docsAssetVersion } from './docs-assets.js';

export const docsContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

let page: string | undefined;

export function docsPage(): string {
  if (page) return page;
  const asset = (name: string) => `/docs/assets/${name}?v=${docsAssetVersion()}`;
  page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Tollgate API</title>
    <link rel="stylesheet" href="${asset('swagger-ui.css')}">
    <link rel="stylesheet" href="${asset('index.css')}">
    <link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}" sizes="32x32">
    <link rel="icon" type="image/png" href="${asset('favicon-16x16.png')}" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"><noscript>This page needs JavaScript. The document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript></div>
    <script src="${asset('swagger-ui-bundle.js')}"></script>
    <script src="${asset('tollgate-docs.js')}"></script>
  </body>
</html>
`;
  return page;
}
