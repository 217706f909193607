import { resolve } from "node:path";
import { defineConfig } from "vite";

// Four pages, built into the DashboardHost's wwwroot, which the assembly embeds and serves itself.
// `npm run dev` proxies the API and the hub to an engine started with `dotnet run --project src/Silo`.
export default defineConfig({
  base: "/",
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
