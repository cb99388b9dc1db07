/** Every assessment check; adding a check is adding one file and one line here. */
import type { MigrationCheck } from '../findings';
import { boot } from './boot';
import { diskSpace } from './disk-space';
import { rpmHealth } from './duplicates';
import { kernelModules } from './kernel-modules';
import { packages } from './packages';
import { pathSupport } from './path-support';
import { repositories } from './repositories';
import { systemConfig } from './system-config';

export const MIGRATION_CHECKS: MigrationCheck[] = [pathSupport, diskSpace, rpmHealth, repositories, packages, kernelModules, boot, systemConfig];
