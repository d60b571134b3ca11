/**
 * The dashboard's build and servers. Both `vite` (development) and `vite preview` (the built app, what `npm start`
 * serves) answer two runtime routes, so one build works against any venue:
 *   /config.json               where the chain and the keepers' API are (from ACCREDEX_WEB_* variables)
 *   /deployments/<chainId>.json the deployment manifest, read from ACCREDEX_DEPLOYMENTS_DIR
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defineConfig, type Plugin } from 'vite';

const root = resolve(import.meta.dirname, '..');

const runtimeConfig = () => ({
  rpcUrl: process.env.ACCREDEX_WEB_RPC_URL ?? 'http://127.0.0.1:8545',
  apiUrl: process.env.ACCREDEX_WEB_API_URL ?? 'http://127.0.0.1:8787',
  chainId: Number(process.env.ACCREDEX_WEB_CHAIN_ID ?? 31337),
});

/**
 * The built dashboard's Content-Security-Policy: its own scripts and styles only, network access only to the chain
 * and the keepers' API it is configured for, wallet icons as data: images, never framed. (The dev server is left
 * without it: Vite's hot reload injects inline scripts.)
 */
function contentSecurityPolicy(): string {
  const { rpcUrl, apiUrl } = runtimeConfig();
  const connect = [...new Set([new URL(rpcUrl).origin, new URL(apiUrl).origin])].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // Style attributes set by React and the chart library; inline <style> and scripts stay refused.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${connect}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function runtimeRoutes(): Plugin {
  const handle = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = (req.url ?? '').split('?')[0];
    if (url === '/config.json') {
      const config = runtimeConfig();
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      return res.end(JSON.stringify(config));
    }
    const manifest = /^\/deployments\/(\d+)\.json$/.exec(url);
    if (manifest) {
      const file = resolve(root, process.env.ACCREDEX_DEPLOYMENTS_DIR ?? 'deployments', `${manifest[1]}.json`);
      res.setHeader('cache-control', 'no-store');
      if (!existsSync(file)) {
        res.statusCode = 404;
        return res.end(JSON.stringify({ error: `no deployment for chain ${manifest[1]}` }));
      }
      res.setHeader('content-type', 'application/json');
      return res.end(readFileSync(file));
    }
    next();
  };
  return {
    name: 'accredex-runtime-routes',
    configureServer: (server) => void server.middlewares.use(handle),
    configurePreviewServer: (server) => {
      server.middlewares.use((_req, res, next) => {
        res.setHeader('content-security-policy', contentSecurityPolicy());
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
        next();
      });
      server.middlewares.use(handle);
    },
  };
}

/**
 * Writes dist/bundle-report.json: each chunk, what it imports, and the bytes (tree-shaken, before minification) each
 * package puts in it. `npm run bench -- web` reads it for the initial route's size and its largest dependencies.
 */
function bundleReport(): Plugin {
  return {
    name: 'accredex-bundle-report',
    apply: 'build',
    generateBundle(_, bundle) {
      const chunks = Object.values(bundle).flatMap((item) => {
        if (item.type !== 'chunk') return [];
        const packages: Record<string, number> = {};
        for (const [id, info] of Object.entries(item.modules)) {
          const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
          const name = match ? match[1] : id.includes('/sdk/') ? 'accredex sdk' : 'accredex web';
          packages[name] = (packages[name] ?? 0) + info.renderedLength;
        }
        return [{ file: item.fileName, name: item.name, isEntry: item.isEntry, imports: item.imports, dynamicImports: item.dynamicImports, packages }];
      });
      this.emitFile({ type: 'asset', fileName: 'bundle-report.json', source: JSON.stringify(chunks, null, 2) });
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [runtimeRoutes(), bundleReport()],
  esbuild: { jsx: 'automatic' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, fs: { allow: [root] } },
  preview: { host: '127.0.0.1', port: 5173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 600 },
});
