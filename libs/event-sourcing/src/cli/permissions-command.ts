import { Optional } from '@nestjs/common';
import { Command, Option, SubCommand } from 'nest-commander';
import { PermissionReadModel } from '../access/permission-read-model';
import { requirePermissionReadModel } from '../access/permission-read-model-of';
import { CliCommand, CliGroup } from './cli-command';

/** `permissions rebuild [--tenant <id>]`: recomputes `es_permissions` from the events. @internal */
@SubCommand({
  name: 'rebuild',
  description: 'Recompute the permissions read model (or one --tenant of it) from the events that grant and revoke.',
})
export class PermissionsRebuildCommand extends CliCommand {
  constructor(@Optional() private readonly readModel?: PermissionReadModel) {
    super();
  }

  async run(_args: string[], options: { tenant?: string; json?: boolean } = {}): Promise<void> {
    const { tenant } = options;
    const result = await requirePermissionReadModel(this.readModel).rebuild(
      tenant === undefined ? {} : { tenantId: tenant },
    );
    if (options.json) return this.printJson(result);
    const scope = tenant === undefined ? 'every tenant' : `tenant ${tenant}`;
    this.print(
      `Rebuilt the permissions of ${scope}: ${result.events} events of ${result.types.length} types replayed.`,
    );
  }

  @Option({ flags: '--tenant <tenantId>', description: "Only this tenant's rows." })
  tenant(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'Print JSON.' })
  json(): boolean {
    return true;
  }
}

/** `permissions`: rebuild. @internal */
@Command({
  name: 'permissions',
  description: 'The permissions read model: rebuild.',
  subCommands: [PermissionsRebuildCommand],
})
export class PermissionsCommand extends CliGroup {
  protected readonly subcommands = 'rebuild';
}
