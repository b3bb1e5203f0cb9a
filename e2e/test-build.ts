/**
 * Where `npm run build:e2e` puts the build made for tests (`vite build --mode e2e`): the only build
 * whose fault-injection hooks (src/main.ts) a served config.json can turn on.
 */
export const testBuildDir = 'dist-e2e'
