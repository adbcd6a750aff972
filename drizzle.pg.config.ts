import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations, generated from src/storage/pg/schema.ts (`npm run db:generate:pg`). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/storage/pg/schema.ts',
  out: './drizzle/pg',
});
