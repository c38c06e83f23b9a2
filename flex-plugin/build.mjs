// Builds the plugin bundle Flex loads: one minified IIFE file, dist/plugin-flexzendesk.js. esbuild instead of
// @twilio/flex-plugin-scripts (see docs/flex-plugin.md: that toolchain does not build here); the plugin imports only
// types from @twilio/flex-ui and uses no React, so nothing of Flex's is bundled: Flex hands the plugin its APIs.
import { build } from 'esbuild';
import { statSync } from 'node:fs';

// Build-time defaults, overridden by Flex's configuration (ui_attributes.flexZendesk); nothing secret.
const defaults = {
  appUrl: process.env.FLEXZENDESK_APP_URL,
  zendeskUrl: process.env.FLEXZENDESK_ZENDESK_URL,
  navigate: process.env.FLEXZENDESK_NAVIGATE,
  navigateWithTicketNumber: process.env.FLEXZENDESK_NAVIGATE_WITH_TICKET_NUMBER,
  embedded: process.env.FLEXZENDESK_EMBEDDED,
};

const outfile = 'dist/plugin-flexzendesk.js';
await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  sourcemap: true,
  outfile,
  define: { FLEXZENDESK_DEFAULTS: JSON.stringify(defaults) },
  logLevel: 'warning',
});
console.log(`${outfile}: ${statSync(outfile).size} bytes`);
