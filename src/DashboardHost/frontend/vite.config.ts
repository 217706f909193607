import { resolve } from "node:path";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

// Four pages, built into the DashboardHost's wwwroot, which the assembly embeds and serves itself.
// `npm run dev` proxies the API and the hub to an engine started with `dotnet run --project src/Silo`.
export default defineConfig({
  base: "/",
  plugins: [
    // The phone page (/m/) is an installable app: a web manifest and a Workbox service worker that keeps its shell,
    // so it opens and shows the last synchronised tasks without a connection. The page registers the worker itself,
    // for the /m/ scope only; the big screen and the console are not cached.
    VitePWA({
      injectRegister: false,
      registerType: "autoUpdate",
      filename: "sw.js",
      manifestFilename: "manifest.webmanifest",
      manifest: {
        id: "/m/",
        name: "城市运行一网统管 · 移动处置",
        short_name: "移动处置",
        description: "掌上办：接单、处置反馈、核查与调度",
        lang: "zh-CN",
        start_url: "/m/",
        scope: "/m/",
        display: "standalone",
        orientation: "portrait",
        background_color: "#04101f",
        theme_color: "#061a33",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        globPatterns: ["m/index.html", "assets/*.{js,css}", "icons/*.png"],
        // The big screen's and the console's own bundles (MapLibre, ECharts) are no use to a phone.
        globIgnores: ["assets/bigscreen-*", "assets/console-*", "assets/users-*", "assets/maplibre-*"],
        // A tap on an assignment's notification opens its case (public/sw-notifications.js).
        importScripts: ["/sw-notifications.js"],
        navigateFallback: "/m/index.html",
        navigateFallbackAllowlist: [/^\/m(\/|$)/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  build: {
    outDir: resolve(__dirname, "../wwwroot"),
    emptyOutDir: true,
    // MapLibre and ECharts are large by nature; the pages are served from the local network, not a CDN.
    chunkSizeWarningLimit: 2500,
    rollupOptions: {
      // SignalR's published ESM places /*#__PURE__*/ where Rollup ignores it; harmless, and not ours to fix.
      onwarn(warning, warn) {
        if (warning.code === "INVALID_ANNOTATION" && warning.id?.includes("node_modules")) return;
        warn(warning);
      },
      input: {
        bigscreen: resolve(__dirname, "index.html"),
        console: resolve(__dirname, "console/index.html"),
        users: resolve(__dirname, "console/users/index.html"),
        mobile: resolve(__dirname, "m/index.html"),
      },
    },
  },
  server: {
    proxy: {
      "/api": "http://localhost:5080",
      "/hubs": { target: "http://localhost:5080", ws: true },
    },
  },
});
