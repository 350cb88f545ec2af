export { commandPlatformOptions, createCommandPlatform, type CommandPlatform, type CommandPlatformOptions } from './command-platform.ts';
