export { createCommandPlatform, type CommandPlatform, type CommandPlatformOptions } from './command-platform.ts';
export { loadConfig, type Config } from './config.ts';
