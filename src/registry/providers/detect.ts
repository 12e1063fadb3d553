// Which provider speaks for a registry: the one the user named, or — `auto` — detected from the host and the
// registry's own answers: *.azurecr.io, or a token realm at /oauth2/token whose service is the host, is ACR; a
// realm at /service/token, or a Harbor systeminfo, is Harbor; Docker Hub and ghcr.io by their hosts; a realm at
// /jwt/auth is GitLab; anything else is the CNCF distribution registry.
// Detection sends no credentials (it asks anonymously) and costs at most two requests, once per client.
import { findChallenge, parseChallenges } from '../challenge';
import { badInput, isRegistryError } from '../errors';
import type { Session } from '../session';
import { DOCKER_HUB } from '../reference';
import { acrProvider } from './acr';
import { dockerHubProvider } from './dockerhub';
import { ghcrProvider } from './ghcr';
import { gitlabProvider } from './gitlab';
import { harborProvider } from './harbor';
import { PROVIDER_CHOICES, type Provider, type ProviderChoice, type ProviderName } from './types';

const AZURE = /\.azurecr\.(io|cn|us)(:\d+)?$/;

/** A provider choice as the user wrote it. Throws BAD_INPUT for anything else. */
export function checkProviderChoice(value: unknown): ProviderChoice {
  if (PROVIDER_CHOICES.includes(value as ProviderChoice)) return value as ProviderChoice;
  throw badInput(`"${String(value)}" is not a registry provider`, `Use one of ${PROVIDER_CHOICES.join(', ')}.`);
}

export function providerNamed(name: ProviderName, session: Session): Provider {
  switch (name) {
    case 'acr':
      return acrProvider(session);
    case 'harbor':
      return harborProvider(session);
    case 'dockerhub':
      return dockerHubProvider(session);
    case 'ghcr':
      return ghcrProvider(session);
    case 'gitlab':
      return gitlabProvider(session);
    case 'distribution':
      return { name: 'distribution' };
  }
}

async function fromChallenge(session: Session, signal?: AbortSignal): Promise<ProviderName | undefined> {
  const res = await session.send('/v2/', { method: 'GET', login: 'none', signal });
  const bearer = findChallenge(parseChallenges(res.headers['www-authenticate']), 'bearer');
  let realm: URL;
  try {
    realm = new URL(bearer?.params.realm ?? '');
  } catch {
    return undefined;
  }
  if (realm.pathname.endsWith('/oauth2/token') && bearer?.params.service === session.host) return 'acr';
  if (realm.pathname.endsWith('/service/token')) return 'harbor';
  // GitLab's registry takes its tokens from the GitLab instance's /jwt/auth.
  if (realm.pathname.endsWith('/jwt/auth')) return 'gitlab';
  return undefined;
}

async function harborSystemInfo(session: Session, signal?: AbortSignal): Promise<boolean> {
  const res = await session.send('/api/v2.0/systeminfo', { method: 'GET', login: 'none', signal, maxBody: 64 * 1024 });
  if (res.status !== 200) return false;
  try {
    const body = JSON.parse(res.body.toString('utf8'));
    // Anonymous callers get only part of Harbor's systeminfo (auth_mode, …); harbor_version only when logged in.
    return body !== null && typeof body === 'object' && ('auth_mode' in body || 'harbor_version' in body);
  } catch {
    return false;
  }
}

/** The provider's name for `choice` on this registry. Network trouble while detecting is the caller's error. */
export async function detectProvider(session: Session, choice: ProviderChoice, signal?: AbortSignal): Promise<ProviderName> {
  if (choice !== 'auto') return choice;
  if (AZURE.test(session.host)) return 'acr';
  if (session.host === DOCKER_HUB) return 'dockerhub';
  if (session.host === 'ghcr.io') return 'ghcr';
  const byChallenge = await fromChallenge(session, signal);
  if (byChallenge) return byChallenge;
  try {
    if (await harborSystemInfo(session, signal)) return 'harbor';
  } catch (e) {
    if (isRegistryError(e, 'CANCELLED')) throw e;
  }
  return 'distribution';
}
