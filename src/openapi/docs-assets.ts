/**
 * @module openapi/docs-assets
 * The static files of `/docs`: Swagger UI's own, read from the installed `swagger-ui-dist`
 * package (the machines have no CDN), and `tollgate-docs.js`, which starts Swagger UI — a file
 * rather than an inline script, so the page can forbid inline scripts. Only the files named here
 * are ever served: a name is looked up, never joined into a path, so nothing else can be reached.
 * Each file is read (and gzipped) once, on first use.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export const docsAssetNames = ['swagger-ui-bundle.js', 'swagger-ui.css', 'index.css', 'favicon-32x32.png', 'favicon-16x16.png', 'tollgate-docs.js'] as const;

export type DocsAssetName = (typeof docsAssetNames)[number];

export interface DocsAsset {
  contentType: string;
  body: Uint8Array;
  /** For text files. */
  gzipped?: Uint8Array;
}

/**
 * Starts Swagger UI on `/openapi.json`. The document lists the prompts the caller's key may call,
 * so the key entered under "Authorize" (kept in localStorage by `persistAuthorization`) is also
 * sent when the document is fetched: reload the page after authorizing to see them.
 * `validatorUrl: null` keeps Swagger UI from sending the document's URL to validator.swagger.io.
 */
const initializerScript = `window.addEventListener('load', function () {
  function storedTenantKey() {
    try {
      var entry = JSON.parse(window.localStorage.getItem('authorized') || '{}').tenantKey;
      return entry && entry.value ? String(entry.value) : undefined;
    } catch (error) {
      return undefined;
    }
  }
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    displayOperationId: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    requestInterceptor: function (request) {
      var key = request.loadSpec ? storedTenantKey() : undefined;
      if (key) request.headers.Authorization = 'Bearer ' + key;
      return request;
    },
    responseInterceptor: function (response) {
      // A stored key that no longer works (revoked, expired) must not lock the page: forget it.
      var specRefused = /\\/openapi\\.json$/.test(response.url || '') && (response.status === 401 || response.status === 403);
      if (specRefused && storedTenantKey()) {
        window.localStorage.removeItem('authorized');
        window.location.reload();
      }
      return response;
    },
  });
});
`;

const contentTypes: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
};

const gzipAsync = promisify(gzip);
const loaded = new Map<DocsAssetName, Promise<DocsAsset>>();
let swaggerUi: { folder: string; version: string } | undefined;
let version: string | undefined;

export function isDocsAssetName(name: string): name is DocsAssetName {
  return (docsAssetNames as readonly string[]).includes(name);
}

export function docsAsset(name: DocsAssetName): Promise<DocsAsset> {
  let asset = loaded.get(name);
  if (!asset) {
    asset = loadAsset(name);
    asset.catch(() => loaded.delete(name));
    loaded.set(name, asset);
  }
  return asset;
}

/** Changes whenever a served file may have: asset URLs carry it, so they can be cached for a year. */
export function docsAssetVersion(): string {
  version ??= createHash('sha256').update(`${swaggerUiPackage().version}\n${initializerScript}`).digest('hex').slice(0, 12);
  return version;
}

async function loadAsset(name: DocsAssetName): Promise<DocsAsset> {
  const body = name === 'tollgate-docs.js' ? Buffer.from(initializerScript) : readFileSync(join(swaggerUiPackage().folder, name));
  const contentType = contentTypes[name.slice(name.lastIndexOf('.') + 1)];
  if (contentType.startsWith('image/')) return { contentType, body };
  return { contentType, body, gzipped: await gzipAsync(body) };
}

function swaggerUiPackage(): { folder: string; version: string } {
  if (!swaggerUi) {
    const manifest = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json');
    swaggerUi = { folder: dirname(manifest), version: (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version };
  }
  return swaggerUi;
}
