import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.js';

// Two entries, `@timock/schema` and `@timock/schema/admin`; split (CJS too) so that the schemas they
// share are one module, not one copy per entry.
export default defineConfig(
  packageBuild().map((options) => ({
    ...options,
    entry: { index: 'src/index.ts', admin: 'src/admin/index.ts' },
    splitting: true,
  })),
);
