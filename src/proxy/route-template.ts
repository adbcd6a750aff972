/**
 * @module proxy/route-template
 * The ledger's `route` for a proxied call: the path after the mount with the segments that look
 * like identifiers (numbers, UUIDs, long hex or mixed letter-and-digit tokens) replaced by `:id`,
 * so rows group by endpoint and never carry an order number or an e-mail address. Bounded: at most
 * 16 segments of the path are looked at and the result is cut at 200 characters.
 */
const maxSegments = 16;
const maxLength = 200;
const looksLikeId = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|.*\d.*\d.*|.{41,})$/i;
const plainWord = /^[A-Za-z0-9._~-]+$/;

/**
 * Templates already worked out, per mount: a service's calls go to a few paths again and again,
 * and the regular expressions below cost ~2 µs a path. Bounded: a mount whose paths carry ids
 * (each one new) empties its map when it is full and starts over.
 */
const known = new Map<string, Map<string, string>>();
const knownPerMount = 1024;

export function routeTemplate(mount: string, path: string): string {
  let templates = known.get(mount);
  if (!templates) known.set(mount, (templates = new Map()));
  let template = templates.get(path);
  if (template === undefined) {
    if (templates.size >= knownPerMount) templates.clear();
    template = templateOf(mount, path);
    templates.set(path, template);
  }
  return template;
}

function templateOf(mount: string, path: string): string {
  const rest = path.slice(mount.length);
  const segments = rest.split('/').slice(1, maxSegments + 1);
  const template = segments.map((segment) => (segment === '' ? '' : !plainWord.test(segment) || looksLikeId.test(segment) ? ':id' : segment));
  const more = rest.split('/').length - 1 > maxSegments ? '/…' : '';
  return `${mount}${template.length > 0 ? `/${template.join('/')}` : ''}${more}`.slice(0, maxLength);
}
