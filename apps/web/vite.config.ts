import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // The dashboard's chunk carries the chart library (about 180 kB gzipped), loaded only when it is opened.
  build: { outDir: "dist", emptyOutDir: true, reportCompressedSize: true, chunkSizeWarningLimit: 600 },
  // `vite` (dev) sends API calls to a Wick started with `npm start`.
  server: { proxy: { "/api": "http://localhost:3000" } },
});
