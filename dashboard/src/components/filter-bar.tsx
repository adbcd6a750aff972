/**
 * @module dashboard/components/filter-bar
 * Date range (with presets), time zone, tenant (operators only), model and tag. Changes apply at
 * once; every view reloads its figures from the API with these filters.
 */
import type { Session } from '../api.js';
import { presetRange, type Filters, type Preset } from '../filters.js';

interface Props {
  filters: Filters;
  session: Session;
  tenants: string[];
  models: string[];
  onChange: (patch: Partial<Filters>) => void;
}

const presets: Array<[Preset, string]> = [
  ['this-month', 'This month'],
  ['last-month', 'Last month'],
  ['last-7', 'Last 7 days'],
  ['last-30', 'Last 30 days'],
];

export function FilterBar({ filters, session, tenants, models, onChange }: Props) {
  const zones = [...new Set(['UTC', session.time_zone, Intl.DateTimeFormat().resolvedOptions().timeZone, filters.tz])];
  const value = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;
  return (
    <form class="filters" data-testid="filters" onSubmit={(event) => event.preventDefault()}>
      <div class="presets" role="group" aria-label="Date range presets">
        {presets.map(([preset, label]) => (
          <button type="button" key={preset} data-preset={preset} onClick={() => onChange(presetRange(preset, filters.tz))}>
            {label}
          </button>
        ))}
      </div>
      <label>
        From <input type="date" name="from" value={filters.from} max={filters.to} onChange={(event) => onChange({ from: value(event) })} />
      </label>
      <label>
        To <input type="date" name="to" value={filters.to} min={filters.from} onChange={(event) => onChange({ to: value(event) })} />
      </label>
      <label>
        Time zone
        <select name="tz" value={filters.tz} onChange={(event) => onChange({ tz: value(event) })}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </label>
      {session.role !== 'tenant' && (
        <label>
          Tenant
          <select name="tenant" value={filters.tenant} onChange={(event) => onChange({ tenant: value(event) })}>
            <option value="">All tenants</option>
            {tenants.map((tenant) => (
              <option key={tenant} value={tenant}>
                {tenant}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Model
        <select name="model" value={filters.model} onChange={(event) => onChange({ model: value(event) })}>
          <option value="">All models</option>
          {[...new Set([...models, filters.model].filter(Boolean))].map((model) => (
            <option key={model} value={model}>
              {model}
            </option>
          ))}
        </select>
      </label>
      <label>
        Tag
        <input
          type="text"
          name="tag"
          placeholder="team=search"
          value={filters.tag}
          pattern="[^=]+=.+"
          onChange={(event) => onChange({ tag: value(event).trim() })}
        />
      </label>
    </form>
  );
}
