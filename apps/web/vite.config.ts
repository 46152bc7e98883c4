import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, reportCompressedSize: true },
  // `vite` (dev) sends API calls to a Wick started with `npm start`.
  server: { proxy: { "/api": "http://localhost:3000" } },
});
