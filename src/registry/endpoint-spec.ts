/**
 * The endpoint an API caller names (createModelVersion, registerEndpoint, verifyModel,
 * enrollEndpoint), and its one parser: everything is checked before anything is stored or queued.
 */
import type { InputDomain } from '../engine/index.ts';
import { EndpointError } from '../endpoints/endpoint.errors.ts';
import type { EgressPolicy } from '../endpoints/egress-policy.ts';
import { credentialInQuery, credentialProblem, modelNameProblem } from '../endpoints/endpoint-url.ts';
import { RegistryError } from './registry.errors.ts';
import type { EndpointProtocol, InputEncoding } from '../db/generated/client.ts';

/** Name of the endpoint createModelVersion registers, and the default among several. */
export const DEFAULT_ENDPOINT_NAME = 'default';

export interface EndpointInput {
  url: string;
  protocol: EndpointProtocol;
  /** Model name at the endpoint; defaults to the registry model's name. */
  modelName?: string | null;
  /** Sent as `Authorization: Bearer <credential>`; sealed in the vault, never readable through the API. */
  credential?: string | null;
  /** How trigger values are sent: FLOAT32 (default) or UINT8 levels (UINT8 input domains only). */
  inputFormat?: InputEncoding | null;
}

/**
 * Checks an endpoint an OPERATOR names (createModelVersion, verifyModel, enrollEndpoint) before
 * anything is stored or queued: an http(s) URL without user info, credentials in its query string
 * or a host the egress policy refuses as an IP literal (loopback, private, ... in any spelling the
 * URL parser normalises: 2130706433, 0x7f.1, 127.1, [::ffff:127.0.0.1]); a model name that is one
 * path segment. Host names are checked when a worker connects (egress-policy.ts).
 */
export function validateEndpoint(endpoint: EndpointInput, domain: InputDomain, egress: EgressPolicy): EndpointInput {
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    throw new RegistryError('INVALID_MODEL_INPUT', 'endpoint.url must be an absolute http or https URL.', ['input', 'endpoint', 'url']);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RegistryError('INVALID_MODEL_INPUT', 'endpoint.url must be an http or https URL.', ['input', 'endpoint', 'url']);
  }
  if (url.username || url.password) {
    throw new RegistryError('INVALID_MODEL_INPUT', 'Put credentials in endpoint.credential, not in the URL.', ['input', 'endpoint', 'url']);
  }
  if (url.hash) throw new RegistryError('INVALID_MODEL_INPUT', 'endpoint.url must not contain a fragment.', ['input', 'endpoint', 'url']);
  const param = credentialInQuery(url, endpoint.credential);
  if (param !== null) {
    throw new RegistryError(
      'INVALID_MODEL_INPUT',
      `endpoint.url must not carry a credential in its query string (parameter "${param.slice(0, 64)}"): put it in endpoint.credential, which is sealed and sent as a Bearer header.`,
      ['input', 'endpoint', 'url'],
    );
  }
  const refused = egress.checkHost(url.hostname);
  if (refused !== undefined && refused !== null) {
    throw new EndpointError(
      'ENDPOINT_FORBIDDEN',
      `endpoint.url points at ${url.hostname} (${refused} address): Fragmark does not query such addresses unless an administrator allows them with FRAGMARK_EGRESS_ALLOW.`,
      { field: ['input', 'endpoint', 'url'] },
    );
  }
  if (endpoint.modelName !== undefined && endpoint.modelName !== null && endpoint.modelName.trim() !== '') {
    const problem = modelNameProblem(endpoint.modelName.trim());
    if (problem) throw new RegistryError('INVALID_MODEL_INPUT', `endpoint.modelName ${problem}.`, ['input', 'endpoint', 'modelName']);
  }
  const credential = endpoint.credential;
  const credentialIssue = credential === undefined || credential === null ? null : credentialProblem(credential);
  if (credentialIssue) throw new RegistryError('INVALID_MODEL_INPUT', `endpoint.credential ${credentialIssue}.`, ['input', 'endpoint', 'credential']);
  const inputFormat = endpoint.inputFormat ?? 'FLOAT32';
  if (inputFormat !== 'FLOAT32' && inputFormat !== 'UINT8') {
    throw new RegistryError('INVALID_MODEL_INPUT', 'endpoint.inputFormat must be FLOAT32 or UINT8.', ['input', 'endpoint', 'inputFormat']);
  }
  if (inputFormat === 'UINT8' && domain.encoding !== 'UINT8') {
    throw new RegistryError('INVALID_MODEL_INPUT', 'endpoint.inputFormat UINT8 needs a version whose input domain is UINT8 (8-bit levels).', ['input', 'endpoint', 'inputFormat']);
  }
  return { ...endpoint, url: url.toString(), inputFormat };
}
