// The engine's front door for the faces: the protocol (src/registry), pure planning (src/prune), logins
// (src/credentials), the operations both faces run (src/ops), what a workspace deploys (src/protect) and the retention
// policy file (src/policy). A face imports from here only.
export * from './registry';
export * from './prune';
export * from './credentials';
export * from './ops';
export * from './protect';
export * from './policy';
export * from './journal';
