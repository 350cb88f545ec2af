export { type CommandPlatform, type CommandPlatformOptions, commandPlatformOptions, createCommandPlatform } from './command-platform.ts';
