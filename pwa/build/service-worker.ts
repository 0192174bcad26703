import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { build, type Plugin, type ResolvedConfig } from 'vite';

/**
 * Files the app shell never needs offline (the worker itself, maps, stray OS files), and the cockpit's chart
 * library (ECharts, about 185 kB gzip): the cockpit's figures need the network anyway, so no phone downloads
 * it before someone opens /analytics (features/analytics/cockpit-charts.ts is its only module).
 */
const SKIP = [/^sw\.js$/, /\.map$/, /(^|\/)\.DS_Store$/, /^assets\/cockpit-charts-[\w-]+\.js$/];

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * Builds src/sw/sw.ts into dist/sw.js once the app is written, with the list of
 * every shell file and a cache name derived from their contents baked in, so a
 * new deploy always installs a fresh cache and an unchanged one never does.
 */
export function serviceWorker(entry = 'src/sw/sw.ts'): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'podium:service-worker',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    async closeBundle() {
      const outDir = resolve(config.root, config.build.outDir);
      const hash = createHash('sha256');
      const urls: string[] = [];
      for (const file of listFiles(outDir).sort()) {
        const url = relative(outDir, file).split(sep).join('/');
        if (SKIP.some((re) => re.test(url))) continue;
        urls.push(`/${url}`);
        hash.update(url).update(readFileSync(file));
      }
      await build({
        configFile: false,
        root: config.root,
        logLevel: 'warn',
        publicDir: false,
        define: {
          __PRECACHE_URLS__: JSON.stringify(urls),
          __CACHE_VERSION__: JSON.stringify(hash.digest('hex').slice(0, 12)),
        },
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          sourcemap: false,
          minify: true,
          lib: {
            entry: resolve(config.root, entry),
            // A classic script: module service workers are still not universal.
            formats: ['iife'],
            name: 'podiumServiceWorker',
            fileName: () => 'sw.js',
          },
        },
      });
    },
  };
}
