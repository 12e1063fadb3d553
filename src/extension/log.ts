// The "Registry Explorer" log: a LogOutputChannel that is also the engine's Logger.
// The engine already redacts credentials from what it logs; this layer redacts again, defensively: header
// values of Authorization/Cookie, bearer/basic tokens, token/password query parameters, and every secret
// value the extension itself handed to the engine.
import * as vscode from 'vscode';
import { redact, type Logger } from '../engine';

export interface ExplorerLog extends Logger {
  readonly channel: vscode.LogOutputChannel;
  info(message: string): void;
  error(message: string): void;
  /** Adds a value that must never appear in the log (a password or token read from secret storage). */
  addSecret(value: string | undefined): void;
  show(): void;
}

export function createLog(): ExplorerLog {
  const channel = vscode.window.createOutputChannel('Registry Explorer', { log: true });
  const secrets = new Set<string>();
  const clean = (m: string) => redact(m, secrets);
  return {
    channel,
    trace: (m) => channel.trace(clean(m)),
    debug: (m) => channel.debug(clean(m)),
    info: (m) => channel.info(clean(m)),
    warn: (m) => channel.warn(clean(m)),
    error: (m) => channel.error(clean(m)),
    addSecret: (v) => {
      if (v && v.length >= 4) secrets.add(v);
    },
    show: () => channel.show(true),
  };
}
