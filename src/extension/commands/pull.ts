// Pull Image: `docker pull host/repo:tag` (or `podman pull` where podman is installed and docker is not) in a terminal
// named after the image, so the user sees the pull's own progress and errors. Where neither is installed, it says so
// and offers Copy Pull Command. The registry is not asked anything: the container tool pulls with its own login.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { formatReference } from '../../engine';
import type { Explorer } from '../explorer';
import { notify } from '../ui';
import { copy, oneTag } from './tags';

const t = vscode.l10n.t;

/** The container tools that can pull, in the order they are preferred. */
export const CONTAINER_TOOLS = ['docker', 'podman'] as const;
export type ContainerTool = (typeof CONTAINER_TOOLS)[number];

export interface FoundTool {
  tool: ContainerTool;
  /** Its absolute path. */
  path: string;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of docker, podman found on `PATH` (with Windows' executable extensions there). */
export function findContainerTool(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): FoundTool | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter(Boolean);
  const extensions = platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean) : [''];
  for (const tool of CONTAINER_TOOLS) {
    for (const dir of dirs) {
      for (const ext of extensions) {
        const path = join(dir, tool + ext.toLowerCase());
        if (isExecutable(path)) return { tool, path };
      }
    }
  }
  return undefined;
}

/** The arguments of the pull: `pull host/repo:tag`. */
export function pullArgs(reference: string): string[] {
  return ['pull', reference];
}

/** The pull as one line, as it would be typed: `docker pull host/repo:tag`. */
export function pullCommandLine(tool: ContainerTool, reference: string): string {
  return [tool, ...pullArgs(reference)].join(' ');
}

/** The terminal's name: the image it pulls. */
export function pullTerminalName(reference: string): string {
  return t('Pull {0}', reference);
}

/** Runs the pull in a new terminal; undefined (after saying why) when no container tool is installed. */
export async function pullImage(explorer: Explorer, node?: unknown): Promise<vscode.Terminal | undefined> {
  const tag = oneTag(explorer, node);
  if (!tag) return undefined;
  const reference = formatReference({ host: tag.registry, repository: tag.repository, tag: tag.tag });
  const found = findContainerTool();
  if (!found) {
    const copyButton = t('Copy Pull Command');
    notify('warning', t('Neither docker nor podman is installed here, so {0} cannot be pulled from VS Code.', reference), [copyButton], () => copy(pullCommandLine('docker', reference)));
    return undefined;
  }
  explorer.log.info(`pull: ${found.path} ${pullArgs(reference).join(' ')}`);
  const terminal = vscode.window.createTerminal({ name: pullTerminalName(reference), shellPath: found.path, shellArgs: pullArgs(reference) });
  terminal.show();
  return terminal;
}
