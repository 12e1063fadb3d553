// The plain data a workspace scan returns: the image references found, and the ones left out (with why).

/** An image reference a workspace deploys, where it was found (path relative to the scanned folder, 1-based line). */
export interface DeployedRef {
  /** `host[:port]` as the engine's reference parser normalises it (Docker Hub: registry-1.docker.io). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
  file: string;
  line: number;
}

/** A reference that was seen but not used: it holds a variable, or is not a valid reference. Never guessed. */
export interface SkippedRef {
  file: string;
  line: number;
  text: string;
  why: string;
}

/** A file or folder the scan could not read (permission denied, too large, a link to nothing): what it deploys is unknown. */
export interface UnreadPath {
  /** Relative to the scanned folder, forward slashes. */
  path: string;
  why: string;
}

export interface DeployScan {
  refs: DeployedRef[];
  skipped: SkippedRef[];
  /** Files and folders that could not be read; told to the user, never taken as "deploys nothing" in silence. */
  unread: UnreadPath[];
}

/** A candidate found in one file, before it is parsed as a reference. */
export interface FoundText {
  text: string;
  line: number;
}
