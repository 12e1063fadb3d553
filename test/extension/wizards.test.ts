// The wizards inside a real VS Code against real registries: Add Registry's and Prune's steps ("n/N" for the path
// taken, Back returning to the earlier answer, the target in every title, the range's live "Matches N of M tags"),
// and Add Registry recovering instead of discarding: a closed port, a TLS front with a self-signed certificate, an
// https:// address for a plain-http registry, a refused password, a registry that wants a login, and a registry
// that needs none given one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PruneOutcome } from '../../src/extension/commands/prune';
import { BACK, type PromptRequest, type TestHooks } from '../../src/extension/ui';
import { freePort } from '../support/registry';
import { pushImage } from '../support/seed';
import { startTlsFront, type TlsFront } from '../support/tls-front';
import { testRegistry } from './config';
import { clearAnswers, explorerApi, hostOf, messagesText, repositoryNode, setRegistries, type TestApi } from './explorer-helpers';

type Answer = unknown | ((r: PromptRequest, nth: number) => unknown);

/**
 * Answers prompts by id (a value, or a function of the request and how often this id was asked, from 1). A prompt
 * with no answer, or more than 40 prompts (a wizard going round in circles), fails the command.
 */
function script(hooks: TestHooks, answers: Record<string, Answer>): PromptRequest[] {
  const asked: PromptRequest[] = [];
  const seen = new Map<string, number>();
  hooks.answer = (r) => {
    asked.push(r);
    if (asked.length > 40) throw new Error(`more than 40 prompts: ${asked.map((a) => a.id).join(', ')}`);
    if (!(r.id in answers)) throw new Error(`unexpected prompt ${r.id} (${r.title ?? r.message})`);
    const nth = (seen.get(r.id) ?? 0) + 1;
    seen.set(r.id, nth);
    const a = answers[r.id];
    return typeof a === 'function' ? (a as (r: PromptRequest, nth: number) => unknown)(r, nth) : a;
  };
  return asked;
}

/** "id n/N" for each step prompt: the counters as the user saw them. */
const counters = (asked: PromptRequest[]): string[] => asked.filter((r) => r.step).map((r) => `${r.id} ${r.step}/${r.totalSteps}`);

const addRegistry = () => vscode.commands.executeCommand<string | undefined>('registryExplorer.addRegistry');

function registriesSetting(): unknown[] {
  return vscode.workspace.getConfiguration('registryExplorer').get<unknown[]>('registries') ?? [];
}

describe('Registry Explorer: wizards', function () {
  this.timeout(90_000);
  let t: TestApi;
  let open: ReturnType<typeof testRegistry>;
  let basic: ReturnType<typeof testRegistry>;
  let tls: TlsFront;
  let closed: string;
  const hosts: string[] = [];

  before(async () => {
    open = testRegistry('open');
    basic = testRegistry('basic');
    tls = await startTlsFront(open.url);
    closed = `127.0.0.1:${await freePort()}`;
    hosts.push(hostOf(open.url), hostOf(basic.url), tls.host, closed);
    t = await explorerApi();
    await setRegistries([]);
  });

  afterEach(async () => {
    clearAnswers(t.hooks);
    for (const h of hosts) await t.credentials.delete(h);
    await setRegistries([]);
  });
  after(async () => {
    await tls?.stop();
  });

  describe('Add Registry steps', () => {
    it('counts the anonymous path as 2 steps and names the registry from the second', async () => {
      const asked = script(t.hooks, { 'addRegistry.url': open.url, 'addRegistry.auth': 'Anonymous' });
      assert.equal(await addRegistry(), hostOf(open.url), messagesText(t.hooks));
      assert.deepEqual(counters(asked), ['addRegistry.url 1/2', 'addRegistry.auth 2/2']);
      assert.deepEqual(asked.map((r) => [r.title, r.canGoBack]), [['Add Registry', false], [`Add Registry ${hostOf(open.url)}`, true]]);
      assert.match(messagesText(t.hooks), new RegExp(`\\[info\\] Added ${hostOf(open.url)}\\.$`));
    });

    it('counts the login path as 4 steps, never skipping a number', async () => {
      const asked = script(t.hooks, { 'addRegistry.url': basic.url, 'addRegistry.auth': 'User name and password', 'addRegistry.username': basic.username, 'addRegistry.password': basic.password });
      assert.equal(await addRegistry(), hostOf(basic.url), messagesText(t.hooks));
      // Until the login kind is chosen the path is the short one; choosing a login adds its two steps.
      assert.deepEqual(counters(asked), ['addRegistry.url 1/2', 'addRegistry.auth 2/2', 'addRegistry.username 3/4', 'addRegistry.password 4/4']);
      assert.ok(asked.slice(1).every((r) => r.title === `Add Registry ${hostOf(basic.url)}` && r.canGoBack));
    });

    it('on ghcr.io and Docker Hub the password step names the token to give and its scopes (Escape there saves nothing)', async () => {
      for (const [url, words] of [
        ['ghcr.io', /GitHub personal access token \(classic\) for octo: read:packages, and delete:packages to delete/],
        ['docker.io', /Docker Hub personal access token for octo \(Read, Write, Delete to delete images\)/],
      ] as const) {
        const asked = script(t.hooks, { 'addRegistry.url': url, 'addRegistry.auth': 'User name and password', 'addRegistry.username': 'octo', 'addRegistry.password': undefined });
        assert.equal(await addRegistry(), undefined);
        const step = asked.find((r) => r.id === 'addRegistry.password');
        assert.match(step?.message ?? '', words);
        assert.deepEqual(registriesSetting(), []);
        clearAnswers(t.hooks);
      }
    });

    it('Back returns to each earlier step with its answer filled in', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': (_r: PromptRequest, n: number) => (n === 1 ? basic.url : undefined),
        'addRegistry.auth': (_r: PromptRequest, n: number) => (n === 1 ? 'User name and password' : BACK),
        'addRegistry.username': (_r: PromptRequest, n: number) => (n === 1 ? basic.username : BACK),
        'addRegistry.password': BACK,
      });
      assert.equal(await addRegistry(), undefined);
      assert.deepEqual(counters(asked), ['addRegistry.url 1/2', 'addRegistry.auth 2/2', 'addRegistry.username 3/4', 'addRegistry.password 4/4', 'addRegistry.username 3/4', 'addRegistry.auth 2/4', 'addRegistry.url 1/4']);
      assert.equal(asked[4].value, basic.username, 'the user name is filled in after Back');
      assert.equal(asked[5].active?.label, 'User name and password', 'the login kind chosen is highlighted after Back');
      assert.equal(asked[6].value, basic.url, 'the address is filled in after Back');
      assert.equal(asked[6].canGoBack, false, 'the first step has no Back');
      assert.deepEqual(registriesSetting(), []);
    });

    it('Edit Credentials: 3 steps for a password, the registry in every title', async () => {
      await setRegistries([{ url: basic.url, username: basic.username }]);
      const asked = script(t.hooks, { 'editCredentials.auth': 'User name and password', 'editCredentials.username': (r: PromptRequest) => r.value, 'editCredentials.password': basic.password });
      assert.equal(await vscode.commands.executeCommand('registryExplorer.editCredentials'), true, messagesText(t.hooks));
      assert.deepEqual(counters(asked), ['editCredentials.auth 1/3', 'editCredentials.username 2/3', 'editCredentials.password 3/3']);
      assert.equal(asked[0].active?.label, 'User name and password', 'the current kind of login is highlighted');
      assert.equal(asked[1].value, basic.username);
      assert.ok(asked.every((r) => r.title === `Edit Credentials for ${hostOf(basic.url)}`));
    });
  });

  describe('Add Registry recovers instead of discarding', () => {
    it('a closed port: Retry, Edit Address, Add Anyway and Use http:// are offered; Edit Address keeps the rest and then works', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': (_r: PromptRequest, n: number) => (n === 1 ? closed : open.url),
        'addRegistry.auth': 'Anonymous',
        'addRegistry.recover': (_r: PromptRequest, n: number) => (n === 1 ? 'Retry' : 'Edit Address'),
      });
      assert.equal(await addRegistry(), hostOf(open.url), messagesText(t.hooks));
      const dialogs = asked.filter((r) => r.id === 'addRegistry.recover');
      assert.equal(dialogs.length, 2, 'Retry tested again and failed again');
      assert.equal(dialogs[0].message, `Could not connect to ${closed}`);
      assert.match(dialogs[0].detail ?? '', /refused the connection/);
      assert.deepEqual(dialogs[0].actions, ['Retry', 'Edit Address', 'Add Anyway', 'Use http://']);
      const edit = asked.filter((r) => r.id === 'addRegistry.url')[1];
      assert.equal(edit.value, closed, 'Edit Address starts from the address typed');
      assert.equal(asked.filter((r) => r.id === 'addRegistry.auth')[1].active?.label, 'Anonymous', 'the login kind is kept');
      assert.deepEqual(registriesSetting(), [{ url: open.url }]);
    });

    it('a closed port: Add Anyway saves it untested, the login in SecretStorage only', async () => {
      script(t.hooks, { 'addRegistry.url': closed, 'addRegistry.auth': 'User name and password', 'addRegistry.username': 'alice', 'addRegistry.password': 'offline-secret', 'addRegistry.recover': 'Add Anyway' });
      assert.equal(await addRegistry(), closed);
      assert.deepEqual(registriesSetting(), [{ url: closed, username: 'alice' }]);
      assert.deepEqual(await t.credentials.get(closed), { username: 'alice', password: 'offline-secret' });
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('registryExplorer')).includes('offline-secret'));
      assert.match(messagesText(t.hooks), /Added .* without testing the connection/);
    });

    it("the dialog's Back returns to the last step, answers kept; Escape there saves nothing", async () => {
      const asked = script(t.hooks, { 'addRegistry.url': closed, 'addRegistry.auth': (_r: PromptRequest, n: number) => (n === 1 ? 'Anonymous' : undefined), 'addRegistry.recover': 'Back' });
      assert.equal(await addRegistry(), undefined);
      assert.deepEqual(counters(asked), ['addRegistry.url 1/2', 'addRegistry.auth 2/2', 'addRegistry.auth 2/2']);
      assert.equal(asked.at(-1)?.active?.label, 'Anonymous');
      assert.deepEqual(registriesSetting(), []);
    });

    it('a self-signed certificate: Choose CA File… saves it as the caFile setting and verification stays on', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': tls.host,
        'addRegistry.auth': 'Anonymous',
        'addRegistry.recover': 'Choose CA File…',
        // Cancelling the open dialog offers the same choices again.
        'addRegistry.caFile': (_r: PromptRequest, n: number) => (n === 1 ? undefined : tls.certPath),
      });
      assert.equal(await addRegistry(), tls.host, messagesText(t.hooks));
      const dialogs = asked.filter((r) => r.id === 'addRegistry.recover');
      assert.equal(dialogs.length, 2);
      assert.deepEqual(dialogs[0].actions, ['Choose CA File…', 'Mark Insecure', 'Edit Address', 'Retry']);
      assert.match(dialogs[0].detail ?? '', /not trusted \(it is self-signed\)/);
      assert.deepEqual(registriesSetting(), [{ url: tls.host, caFile: tls.certPath }]);
      assert.match(messagesText(t.hooks), new RegExp(`\\[info\\] Added ${tls.host}\\.$`));
    });

    it('a self-signed certificate: Mark Insecure asks first, then saves insecure with a warning', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': tls.host,
        'addRegistry.auth': 'Anonymous',
        'addRegistry.recover': 'Mark Insecure',
        'addRegistry.insecure': (_r: PromptRequest, n: number) => n > 1, // Cancel the first time
      });
      assert.equal(await addRegistry(), tls.host, messagesText(t.hooks));
      const warning = asked.find((r) => r.id === 'addRegistry.insecure');
      assert.match(warning?.detail ?? '', /pose as/);
      assert.equal(asked.filter((r) => r.id === 'addRegistry.recover').length, 2, 'Cancel on the warning offers the choices again');
      assert.deepEqual(registriesSetting(), [{ url: tls.host, insecure: true }]);
      assert.match(messagesText(t.hooks), /\[warning\] Added .* with certificate verification off/);
    });

    it('https:// to a plain-http registry: Use http:// is offered first and saves the http:// address', async () => {
      const asked = script(t.hooks, { 'addRegistry.url': `https://${hostOf(open.url)}`, 'addRegistry.auth': 'Anonymous', 'addRegistry.recover': 'Use http://' });
      assert.equal(await addRegistry(), hostOf(open.url), messagesText(t.hooks));
      const dialog = asked.find((r) => r.id === 'addRegistry.recover');
      assert.deepEqual(dialog?.actions, ['Use http://', 'Edit Address', 'Retry']);
      assert.match(dialog?.detail ?? '', /does not speak TLS/);
      assert.deepEqual(registriesSetting(), [{ url: `http://${hostOf(open.url)}` }]);
    });

    it('a refused password goes back to the password step, the user name kept, and the right one is saved', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': basic.url,
        'addRegistry.auth': 'User name and password',
        'addRegistry.username': basic.username,
        'addRegistry.password': (_r: PromptRequest, n: number) => (n === 1 ? 'not-the-password' : basic.password),
      });
      assert.equal(await addRegistry(), hostOf(basic.url), messagesText(t.hooks));
      assert.deepEqual(counters(asked), ['addRegistry.url 1/2', 'addRegistry.auth 2/2', 'addRegistry.username 3/4', 'addRegistry.password 4/4', 'addRegistry.password 4/4']);
      const again = asked.at(-1)!;
      assert.match(again.notice ?? '', new RegExp(`rejected the credentials for user ${basic.username}`));
      assert.equal(again.canGoBack, true);
      assert.deepEqual(await t.credentials.get(hostOf(basic.url)), { username: basic.username, password: basic.password });
    });

    it('a registry that wants a login, given none: back to the login kind, saying so', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': basic.url,
        'addRegistry.auth': (_r: PromptRequest, n: number) => (n === 1 ? 'Anonymous' : 'User name and password'),
        'addRegistry.username': basic.username,
        'addRegistry.password': basic.password,
      });
      assert.equal(await addRegistry(), hostOf(basic.url), messagesText(t.hooks));
      const again = asked.filter((r) => r.id === 'addRegistry.auth')[1];
      assert.match(again.notice ?? '', /requires a login/);
      assert.equal(again.active?.label, 'Anonymous');
    });

    it('a registry that needs no login, given one: asks, and by default saves no password', async () => {
      const asked = script(t.hooks, { 'addRegistry.url': open.url, 'addRegistry.auth': 'User name and password', 'addRegistry.username': 'alice', 'addRegistry.password': 'unneeded-secret', 'addRegistry.unneededLogin': 'Save Without the Login' });
      assert.equal(await addRegistry(), hostOf(open.url), messagesText(t.hooks));
      const question = asked.find((r) => r.id === 'addRegistry.unneededLogin');
      assert.equal(question?.message, `${hostOf(open.url)} needs no login`);
      assert.deepEqual(question?.actions, ['Save Without the Login', 'Keep the Login']);
      assert.deepEqual(registriesSetting(), [{ url: open.url }]);
      assert.equal(await t.credentials.get(hostOf(open.url)), undefined);
      assert.match(messagesText(t.hooks), new RegExp(`Added ${hostOf(open.url)}\\. It needs no login, so the login was not saved\\.`));
    });

    it('a registry that needs no login, given one: Keep the Login keeps it in SecretStorage only; Back returns to the password', async () => {
      const asked = script(t.hooks, {
        'addRegistry.url': open.url,
        'addRegistry.auth': 'User name and password',
        'addRegistry.username': 'alice',
        'addRegistry.password': (r: PromptRequest) => r.value ?? 'kept-secret',
        'addRegistry.unneededLogin': (_r: PromptRequest, n: number) => (n === 1 ? 'Back' : 'Keep the Login'),
      });
      assert.equal(await addRegistry(), hostOf(open.url), messagesText(t.hooks));
      const passwords = asked.filter((r) => r.id === 'addRegistry.password');
      assert.equal(passwords.length, 2, 'Back returned to the password step');
      assert.equal(passwords[1].value, 'kept-secret', 'with the password filled in');
      assert.deepEqual(registriesSetting(), [{ url: open.url, username: 'alice' }]);
      assert.deepEqual(await t.credentials.get(hostOf(open.url)), { username: 'alice', password: 'kept-secret' });
      assert.ok(!JSON.stringify(vscode.workspace.getConfiguration('registryExplorer')).includes('kept-secret'));
    });
  });

  describe('Prune steps', () => {
    const REPO = 'hosttest/wizard';
    let host: string;

    before(async () => {
      host = hostOf(open.url);
      for (const [tags, salt] of [[['1.0.0'], 'w1.0.0'], [['1.1.0'], 'w1.1.0'], [['1.2.0'], 'w1.2.0'], [['1.3.0-rc.1'], 'w1.3.0-rc.1'], [['2.0.0', 'latest'], 'w2.0.0']] as [string[], string][]) {
        await pushImage({ url: open.url }, REPO, tags, { salt });
      }
    });

    const prune = async (): Promise<PruneOutcome | undefined> => {
      await setRegistries([{ url: open.url }]);
      t.tree.refresh();
      return vscode.commands.executeCommand<PruneOutcome | undefined>('registryExplorer.pruneTags', await repositoryNode(t.tree, host, REPO));
    };

    it('counts the steps of the path, names the repository in every title, and says live how many tags a range matches', async () => {
      let range: PromptRequest | undefined;
      const asked = script(t.hooks, {
        'prune.versioning': 'semver',
        'prune.range': (r: PromptRequest) => {
          range = r;
          return '<2.0.0';
        },
        'prune.keep': '1',
        'prune.keepPer': 'In the whole range',
        'prune.options': undefined, // Escape: nothing is read or deleted
      });
      assert.equal(await prune(), undefined);
      assert.deepEqual(counters(asked), ['prune.versioning 1/4', 'prune.range 2/4', 'prune.keep 3/4', 'prune.keepPer 4/5', 'prune.options 5/5']);
      assert.ok(asked.every((r) => r.title === `Prune ${host}/${REPO}`), JSON.stringify(asked.map((r) => r.title)));
      assert.ok(range?.describe);
      assert.equal(range.describe('<2.0.0'), 'Matches 3 of 6 tags: 1.2.0, 1.1.0, 1.0.0', 'the prerelease and latest are not counted');
      assert.equal(range.describe('*'), 'Matches 4 of 6 tags: 2.0.0, 1.2.0, 1.1.0, 1.0.0');
      assert.equal(range.describe('>=3'), 'Matches none of the 6 tags');
      assert.equal(range.describe('banana'), undefined, 'no count for what is not a range (the validator speaks)');
    });

    it('Back returns to the previous step with its answer, and the wizard goes on from there', async () => {
      const asked = script(t.hooks, {
        'prune.versioning': (_r: PromptRequest, n: number) => (n === 1 ? 'semver' : 'loose'),
        'prune.range': (r: PromptRequest, n: number) => (n === 1 ? '<1.2.0' : n === 2 ? BACK : r.value),
        'prune.keep': (_r: PromptRequest, n: number) => (n === 1 ? BACK : '0'),
        'prune.options': undefined,
      });
      // keep → Back → range (filled in) → Back → versioning (semver highlighted) → loose → range → keep → options.
      assert.equal(await prune(), undefined);
      assert.deepEqual(counters(asked), ['prune.versioning 1/4', 'prune.range 2/4', 'prune.keep 3/4', 'prune.range 2/4', 'prune.versioning 1/4', 'prune.range 2/4', 'prune.keep 3/4', 'prune.options 4/4']);
      assert.equal(asked[3].value, '<1.2.0', 'the range is filled in after Back');
      assert.equal(asked[4].active?.label, 'semver', 'the versioning chosen is highlighted after Back');
      assert.equal(asked[5].value, '<1.2.0', 'the range is still there after going back two steps');
      assert.match(asked[5].message, /loose versioning/, 'the range step follows the new answer');
    });
  });
});
