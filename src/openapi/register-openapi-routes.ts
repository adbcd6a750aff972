/**
 * @module openapi/register-openapi-routes
 * `GET /openapi.json`, `GET /docs` and `GET /docs/assets/{file}`, all without a key. Which prompts
 * the document lists is the caller's to decide (`visiblePrompts`): public ones for anonymous
 * callers, those a tenant key may call otherwise. The answer therefore varies with the key and is
 * never shared by caches.
 *
 * @example
 * registerOpenApiRoutes(app, { visiblePrompts: (context) => promptsVisibleTo(context) });
 */
import type { Context, Hono } from 'hono';
import { GatewayError } from '../errors/gateway-error.js';
import type { PromptVersion } from '../prompts/index.js';
import type { GatewayEnv } from '../server/gateway-env.js';
import { docsAsset, isDocsAssetName } from './docs-assets.js';
import { docsContentSecurityPolicy, docsPage } from './docs-page.js';

export interface OpenApiRouteOptions {
  /** The prompts to describe for this request: the latest version of each the caller may see. */
  visiblePrompts: (context: Context<GatewayEnv>) => readonly PromptVersion[];
  /** `servers[0].url` of the document; default `/` (wherever the document was fetched from). */
  serverUrl?: string;
}

export function registerOpenApiRoutes(app: Hono<GatewayEnv>, options: OpenApiRouteOptions): void {
  // The builder (every path and schema of the document, ~2 MB of heap) loads on the first request
  // for the document: most gateways serve none, and an idle one need not hold it.
  let builder: Promise<typeof import('./build-document.js')> | undefined;
  app.get('/openapi.json', async (context) => {
    const { buildOpenApiDocument } = await (builder ??= import('./build-document.js'));
    // "Try it out" examples name a model this gateway serves: the first configured one.
    const exampleModel = context.get('gateway').models.list()[0]?.id;
    const services = context.get('gateway').proxy.list().map((service) => ({ name: service.name, mount: service.config.mount, access: service.config.access }));
    const document = buildOpenApiDocument({ prompts: options.visiblePrompts(context), serverUrl: options.serverUrl, exampleModel, services });
    return context.json(document, 200, { 'cache-control': 'private, no-cache', vary: 'authorization, x-api-key' });
  });

  app.get('/docs', (context) =>
    context.html(docsPage(), 200, {
      'cache-control': 'no-cache',
      'content-security-policy': docsContentSecurityPolicy,
      'x-content-type-options': 'nosniff',
    }),
  );

  app.get('/docs/assets/:file', async (context) => {
    const name = context.req.param('file');
    if (!isDocsAssetName(name)) {
      throw new GatewayError(404, `No docs asset \`${name}\`.`, { code: 'unknown_url', param: 'file' });
    }
    const asset = await docsAsset(name);
    const gzipped = asset.gzipped && acceptsGzip(context.req.header('accept-encoding'));
    return new Response(gzipped ? asset.gzipped : asset.body, {
      headers: {
        'content-type': asset.contentType,
        'cache-control': 'public, max-age=31536000, immutable',
        'x-content-type-options': 'nosniff',
        ...(asset.gzipped ? { vary: 'accept-encoding' } : {}),
        ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
      },
    });
  });
}

/** `gzip` listed in `Accept-Encoding` without `q=0`. */
function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((entry) => {
    const [coding, ...parameters] = entry.split(';').map((part) => part.trim().toLowerCase());
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return coding === 'gzip' && (quality === undefined || Number(quality.slice(2)) > 0);
  });
}
