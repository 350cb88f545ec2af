export { createCommandPlatform, type CommandPlatform, type CommandPlatformOptions } from './command-platform.ts';
