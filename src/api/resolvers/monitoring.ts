import type { Resolvers } from '../generated/graphql.ts';
import { mutationPayload, queryResult } from '../errors/error-mapping.ts';
import { toConnection } from './connection.ts';
import { registeredEndpointView } from '../../registry/endpoints.service.ts';

export const monitoringResolvers: Resolvers = {
  Query: {
    monitors: (_parent, { first, after, filter }, { services }) => queryResult(async () => toConnection(await services.monitors.list(filter ?? {}, { first, after }))),
    monitor: (_parent, { id }, { services }) => queryResult(() => services.monitors.get(id)),
    integrityAlerts: (_parent, { first, after, filter }, { services }) => queryResult(async () => toConnection(await services.monitors.alerts(filter ?? {}, { first, after }))),
    fleetReport: (_parent, { since, until }, { services }) => queryResult(() => services.monitors.report(since, until)),
  },
  Mutation: {
    createMonitor: (_parent, { input }, { services }) => mutationPayload(async () => ({ monitor: await services.monitors.create(input) })),
    updateMonitor: (_parent, { input }, { services }) =>
      mutationPayload(async () => ({
        // An argument left out keeps its value: only what the client sent is passed on.
        monitor: await services.monitors.update(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as typeof input),
      })),
    deleteMonitor: (_parent, { input }, { services }) => mutationPayload(async () => ({ monitor: await services.monitors.delete(input.id) })),
    acknowledgeAlert: (_parent, { input }, { services }) => mutationPayload(async () => ({ alert: await services.monitors.acknowledge(input.id, input.note) })),
  },
  Monitor: {
    modelVersion: async (m, _args, { services }) => (await services.models.getVersion(m.modelVersionId))!,
    endpoint: (m, _args, { services }) =>
      queryResult(async () => {
        const endpoint = m.endpointId ? await services.endpoints.get(m.endpointId) : null;
        return endpoint ? registeredEndpointView(endpoint) : null;
      }),
    lastVerification: (m, _args, { services }) => (m.lastVerificationId ? services.verifications.get(m.lastVerificationId) : null),
    runs: (m, { first, after }, { services }) => queryResult(async () => toConnection(await services.monitors.runs(m.id, { first, after }))),
    alerts: (m, { first, after, open }, { services }) => queryResult(async () => toConnection(await services.monitors.alerts({ monitorId: m.id, open }, { first, after }))),
  },
  IntegrityAlert: {
    monitor: async (a, _args, { services }) => (await services.monitors.get(a.monitorId))!,
    previousState: async (a, _args, { services }) => (await services.monitors.changeOf(a)).fromState,
    verification: async (a, _args, { services }) => (await services.verifications.get(a.verificationId))!,
    acknowledged: (a) => a.acknowledgedAt !== null,
  },
  FleetReportRow: {
    evidence: (row) => row.evidence.map((e) => ({ ...e, verdict: e.verdict as 'INTACT' | 'TAMPERED' | 'ERROR' })),
  },
  ModelVersion: {
    monitors: (version, _args, { services }) => queryResult(() => services.monitors.forVersion(version.id)),
  },
  Verification: {
    monitor: (v, _args, { services }) => (v.monitorId ? services.monitors.get(v.monitorId) : null),
  },
  Endpoint: {
    monitor: (endpoint, _args, { services }) => (endpoint.id ? services.monitors.forEndpoint(endpoint.id) : null),
  },
};
