import type { Command } from 'commander';
import type { ApiClient } from '../api-client';

export function labCommands(_program: Command, _client: () => ApiClient): void {}
