/**
 * PUT /v1/model-versions/:id/artifact and PUT /v1/verification-artifacts: authentication (answered
 * in the REST shape, not GraphQL's), then the upload handlers (artifact-upload-route.ts).
 */
import type http from 'node:http';
import type { Config } from '../../config/config.ts';
import type { Logger } from '../../logging/logger.ts';
import type { Actor } from '../../auth/actor.ts';
import { DomainError } from '../../errors/domain-error.ts';
import { createServices, type Platform } from '../../app/services.ts';
import { ARTIFACT_ROUTE, CANDIDATE_ROUTE, handleArtifactUpload, handleCandidateUpload } from './artifact-upload-route.ts';
import { json } from './responses.ts';
import { RateLimited, type RequestAuthenticator } from './request-authenticator.ts';

export const isUploadPath = (pathname: string): boolean => ARTIFACT_ROUTE.test(pathname) || CANDIDATE_ROUTE.test(pathname);

export function uploadRoutes({ config, platform, authenticator }: { config: Config; platform: Platform; authenticator: RequestAuthenticator }) {
  return async function handleUpload(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string, log: Logger): Promise<void> {
    let actor: Actor | null = null;
    try {
      actor = await authenticator.authenticate(req, log);
    } catch (error) {
      if (error instanceof RateLimited) {
        req.resume();
        return json(res, 429, { error: { code: 'RATE_LIMITED', message: error.clientMessage }, requestId }, { 'retry-after': String(error.retryAfterSeconds) });
      }
      if (!(error instanceof DomainError)) throw error;
      req.resume();
      return json(res, 401, { error: { code: 'UNAUTHENTICATED', message: error.message }, requestId }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    const context = { config, store: platform.store, services: createServices(platform, actor), actor };
    const versionMatch = ARTIFACT_ROUTE.exec(url.pathname);
    const result = versionMatch ? await handleArtifactUpload(req, versionMatch[1]!, context) : await handleCandidateUpload(req, context);
    json(res, result.status, { ...result.body, requestId }, result.status >= 400 ? { connection: 'close' } : {});
  };
}
