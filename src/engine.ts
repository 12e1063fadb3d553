// The engine's front door for the faces: the protocol (src/registry), pure planning (src/prune), logins
// (src/credentials) and the operations both faces run (src/ops). A face imports from here only.
export * from './registry';
export * from './prune';
export * from './credentials';
export * from './ops';
