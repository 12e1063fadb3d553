// What the extension-host runners set up before VS Code starts: real registries (Debian's docker-registry on
// loopback), seeded with the standard dataset, described in a TestConfig the tests read (./config.ts).
import { startRegistry, type RegistryAuth, type TestRegistry } from '../support/registry';
import { seedStandard } from '../support/seed';
import type { TestConfig, TestRegistryInfo } from './host-channel';

export interface HostFixture {
  config: TestConfig;
  stop(): Promise<void>;
}

interface RegistryPlan {
  name: string;
  auth: RegistryAuth;
  /** Seed the 1050-tag `big` repository too. */
  big: boolean;
}

/** `open`: no auth with the full dataset; `basic`: htpasswd auth, the dataset without `big`. */
const DEFAULT_PLAN: RegistryPlan[] = [
  { name: 'open', auth: 'none', big: true },
  { name: 'basic', auth: 'basic', big: false },
];

async function startOne(plan: RegistryPlan): Promise<{ registry: TestRegistry; info: TestRegistryInfo }> {
  const registry = await startRegistry({ auth: plan.auth });
  try {
    const dataset = await seedStandard(registry, { big: plan.big });
    const user = registry.users[0];
    const info: TestRegistryInfo = {
      url: registry.url,
      host: registry.host,
      auth: plan.auth,
      ...(plan.auth !== 'none' && user ? { username: user.username, password: user.password } : {}),
      dataset,
    };
    return { registry, info };
  } catch (err) {
    await registry.stop();
    throw err;
  }
}

/** Starts and seeds the registries (in parallel). `registries: false` starts none (machinery checks). */
export async function prepareHostFixture(workspace: string, options: { registries?: boolean } = {}): Promise<HostFixture> {
  const plans = options.registries === false ? [] : DEFAULT_PLAN;
  const settled = await Promise.allSettled(plans.map(startOne));
  const started = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async () => {
    await Promise.all(started.map((s) => s.registry.stop()));
  };
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const registries: Record<string, TestRegistryInfo> = {};
  plans.forEach((p, i) => { registries[p.name] = started[i].info; });
  return { config: { workspace, registries }, stop };
}
