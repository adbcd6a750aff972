/**
 * @module cli/storage-usage
 * The usage text of `migrate`, `export` and `import`, apart from the commands so that `--help`
 * does not load the PostgreSQL driver.
 */
export const migrateUsage = `tollgate migrate [--config PATH]            apply the database migrations this version brings
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)`;

export const exportUsage = `tollgate export [--out FILE] [--config PATH]  write the SQLite database as JSON lines (one consistent snapshot)
  --out FILE                    the file to create (default: standard output); an existing file is not overwritten
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)`;

export const importUsage = `tollgate import FILE [--config PATH]         load an export into the configured PostgreSQL (storage.postgres)
  FILE                          a file written by \`tollgate export\`; the database must hold no tenants, keys or calls yet
  --config PATH                 configuration file (default: $TOLLGATE_CONFIG, else ./tollgate.yaml)`;
