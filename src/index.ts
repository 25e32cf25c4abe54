// umd's library: the manager core works without the daemon or the CLI.
export { UmdError, type ErrorCode } from './core/errors.js';
export { DriverManager, type DriverState, type DriverStatus, type SendOutcome } from './core/manager.js';
export { HandlerProcess } from './core/handler.js';
export { findPackage, listPackages, parseManifest, type DriverManifest, type DriverPackage } from './core/package.js';
export { runtimeDir, splitDriverPath, ensureRuntimeDir } from './core/paths.js';
export { createContext, builtinDriversDir, type UmdContext, type ContextOptions } from './core/context.js';
export { resolveManager, BUILTIN_MANAGERS } from './managers/index.js';
export type { ManagerHooks, AnyManagerHooks } from './managers/types.js';
export { Daemon } from './daemon/server.js';
export { connectDaemon } from './client/autostart.js';
export { DaemonConnection } from './client/connection.js';
export { runSelftest, type SelftestResult } from './selftest/run.js';
