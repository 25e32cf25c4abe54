// The esbuild options every CommonJS file of the build shares: one file for
// Node 20, with no licence comments, warnings shown.
export const NODE_CJS = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', legalComments: 'none', logLevel: 'warning' };
