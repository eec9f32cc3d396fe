import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Command, Option } from 'nest-commander';
import { CliUsageError } from '../errors/cli-usage-error';
import { ConfigurationError } from '../errors/configuration-error';
import { BUILDING_BLOCKS, buildingBlockFiles, type BuildingBlock } from './building-block-templates';
import { CliCommand } from './cli-command';

/**
 * `generate <kind> <Name> [--path dir]`: writes the files of a new aggregate, command,
 * event, projection or saga in the project's style, each with a spec beside it. Never
 * overwrites a file. Needs no database. @internal
 */
@Command({
  name: 'generate',
  arguments: '<kind> <Name>',
  description: `Write a new building block with its spec: ${BUILDING_BLOCKS.join(', ')}.`,
})
export class GenerateCommand extends CliCommand {
  async run([kind, name, ...more]: string[], options: { path?: string } = {}): Promise<void> {
    if (!BUILDING_BLOCKS.includes(kind as BuildingBlock) || !name || more.length) {
      throw new CliUsageError(`generate takes <${BUILDING_BLOCKS.join('|')}> <Name>, got ${JSON.stringify(kind)}.`);
    }
    if (!/^[A-Z][A-Za-z0-9]{0,99}$/.test(name)) {
      throw new CliUsageError(
        `The name must be PascalCase letters and digits (BankAccount), got ${JSON.stringify(name)}.`,
      );
    }
    const root = resolve(options.path ?? '.');
    const files = buildingBlockFiles(kind as BuildingBlock, name);
    const taken = files.filter((f) => existsSync(join(root, f.path)));
    if (taken.length) {
      throw new ConfigurationError(`Not overwriting ${taken.map((f) => join(root, f.path)).join(', ')}.`);
    }
    for (const file of files) {
      const path = join(root, file.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, file.text, { flag: 'wx' });
      this.print(`created ${relative(process.cwd(), path) || path}`);
    }
  }

  @Option({ flags: '--path <dir>', description: 'The folder to write into (default: here).' })
  path(value: string): string {
    return value;
  }
}
