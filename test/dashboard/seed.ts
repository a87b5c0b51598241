/**
 * A small fleet written straight into the database of a test API: models with versions and
 * aliases, READY watermarks with their self-checks (one weak: no trigger flipped under noise,
 * accepted with allowWeak), verifications over the past days (intact, an error, then tampered),
 * signed attestations for three of them, and jobs (one running).
 */
import { randomUUID } from 'node:crypto';
import { createKey, createTenant, type TestApi } from '../support/api.ts';
import { claimsFor } from '../../src/verifications/attestation-claims.ts';
import { WATERMARK_SCHEME } from '../../src/watermarks/watermark-settings.ts';
import type { Model, ModelVersion, Verification, Watermark } from '../../src/db/generated/client.ts';

const DAY = 86_400_000;
const hex = (seed: string) => Buffer.from(seed.padEnd(32, seed)).toString('hex').slice(0, 64);

export interface SeededFleet {
  viewerKey: string;
  /** Acknowledges alerts. */
  operatorKey: string;
  tenantId: string;
  tampered: { modelId: string; versionId: string; label: string; tamperedJti: string; tamperedToken: string; intactToken: string };
  /** sentiment-bert 0.9.1: its watermark is weak (a self-check that flipped no trigger), with an attested INTACT verdict. */
  weak: { versionId: string; watermarkId: string; intactToken: string };
  runningJobId: string;
  verificationCount: number;
  /** digits-cnn 1.1.0: a HEALTHY deployment monitor and a TAMPERED registry-copy monitor with an open alert; sentiment-bert UNREACHABLE. */
  monitoring: { tamperedAlertId: string; copyMonitorId: string; deploymentMonitorId: string };
}

export async function seedFleet(api: TestApi): Promise<SeededFleet> {
  const db = api.database.db;
  const tenant = await createTenant(api, 'Acme Vision');
  const viewerKey = (await createKey(api, tenant.adminKey, 'VIEWER', 'dashboard e2e')).secret;
  const operatorKey = (await createKey(api, tenant.adminKey, 'OPERATOR', 'dashboard operator')).secret;
  const tenantId = tenant.id;
  const now = Date.now();

  const model = (name: string, tags: string[], description: string | null = null) =>
    db.model.create({ data: { tenantId, name, tags, description } });
  const version = (m: Model, label: string, createdAt: Date, ready = true) =>
    db.modelVersion.create({
      data: {
        tenantId,
        modelId: m.id,
        label,
        createdAt,
        ...(ready
          ? { status: 'READY', inputShape: [28, 28, 1], numClasses: 10, weightsDigest: hex(`${m.name}${label}`), artifactDigest: hex(`a${label}`), artifactBytes: 412_000, uploadedAt: createdAt }
          : {}),
      },
    });
  const job = (kind: 'WATERMARK' | 'VERIFY', status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED', at: Date, extra: Record<string, unknown> = {}) =>
    db.job.create({
      data: {
        id: randomUUID(),
        tenantId,
        kind,
        status,
        createdAt: at,
        attempts: status === 'QUEUED' ? 0 : 1,
        startedAt: status === 'QUEUED' ? null : at,
        finishedAt: status === 'SUCCEEDED' || status === 'FAILED' ? new Date(at.getTime() + 40_000) : null,
        progress: status === 'SUCCEEDED' ? 1 : 0,
        ...extra,
      },
    });
  const watermark = async (v: ModelVersion, at: Date, policy: object = { kind: 'strict' }, weak = false) => {
    const j = await job('WATERMARK', 'SUCCEEDED', at, { message: 'Watermark ready: 100 triggers, AccTri 100%.' });
    return db.watermark.create({
      data: {
        tenantId,
        modelVersionId: v.id,
        jobId: j.id,
        status: 'READY',
        scheme: WATERMARK_SCHEME,
        method: weak ? 'CE_VARIANCE' : 'SENSITIVE',
        triggerCount: 100,
        parameters: { maxSteps: 300 },
        policy,
        commitment: hex(`commit${v.id}`),
        backend: 'wasm',
        generationSteps: 180,
        selfCheck: { accTri: 1, digestUnchanged: true, flipFractionUnderNoise: weak ? 0 : 0.62, noiseStd: 0.01, medianMargin: weak ? 0.65 : 0.004 },
        allowWeak: weak,
        createdAt: at,
        readyAt: new Date(at.getTime() + 40_000),
      },
    });
  };
  const verify = async (
    m: Model,
    v: ModelVersion,
    w: Watermark,
    at: Date,
    verdict: 'INTACT' | 'TAMPERED' | 'ERROR',
    matched: number | null,
    options: { attest?: boolean; mode?: 'ARTIFACT' | 'ENDPOINT' | 'CHALLENGE'; endpoint?: { id?: string; url: string }; monitorId?: string } = {},
  ): Promise<{ verification: Verification; token?: string; jti?: string }> => {
    const mode = options.mode ?? 'ARTIFACT';
    const j = mode === 'CHALLENGE' ? null : await job('VERIFY', verdict === 'ERROR' ? 'FAILED' : 'SUCCEEDED', at);
    const queried = verdict === 'ERROR' ? null : 100;
    const verification = await db.verification.create({
      data: {
        tenantId,
        modelVersionId: v.id,
        watermarkId: w.id,
        jobId: j?.id ?? null,
        mode,
        verdict,
        triggersQueried: queried,
        triggersMatched: matched,
        accTri: queried && matched !== null ? matched / queried : null,
        policy: w.policy as object,
        errorReason: verdict === 'ERROR' ? 'The endpoint answered HTTP 503.' : null,
        monitorId: options.monitorId ?? null,
        ...(options.endpoint ? { endpointId: options.endpoint.id ?? null, endpointUrl: options.endpoint.url, endpointProtocol: 'KSERVE_V2' as const, endpointModelName: 'digits' } : {}),
        createdAt: at,
        completedAt: new Date(at.getTime() + 30_000),
      },
    });
    if (!options.attest || verdict === 'ERROR') return { verification };
    const attestation = await db.$transaction((tx) =>
      api.issuer.issue(tx, {
        tenantId,
        verificationId: verification.id,
        modelVersionId: v.id,
        claims: claimsFor(m, v, w, verification, {
          queried: 100,
          matched: matched!,
          accTri: matched! / 100,
          verdict: verdict === 'TAMPERED' ? 'tampered' : 'intact',
        }),
      }),
    );
    return { verification, token: attestation.token, jti: attestation.jti };
  };

  // digits-cnn: verified daily, intact until an endpoint error, then found tampered.
  const digits = await model('digits-cnn', ['mnist', 'vision'], 'Handwritten digit classifier behind the cheque scanner.');
  const d100 = await version(digits, '1.0.0', new Date(now - 30 * DAY));
  const d110 = await version(digits, '1.1.0', new Date(now - 12 * DAY));
  await db.modelAlias.create({ data: { tenantId, modelId: digits.id, name: 'production', versionId: d110.id } });
  await db.modelAlias.create({ data: { tenantId, modelId: digits.id, name: 'previous', versionId: d100.id } });
  const w100 = await watermark(d100, new Date(now - 29 * DAY));
  await verify(digits, d100, w100, new Date(now - 20 * DAY), 'INTACT', 100);
  const w110 = await watermark(d110, new Date(now - 11 * DAY));
  // Its deployment, registered by a tenant admin; one check went to an operator's ad-hoc URL instead.
  const production = await db.registeredEndpoint.create({
    data: { tenantId, modelVersionId: d110.id, name: 'production', url: 'https://models.internal:8443/', protocol: 'KSERVE_V2', modelName: 'digits' },
  });
  // Monitors: the deployment every other day (HEALTHY), the registry's copy daily (TAMPERED since 3 h ago, alert open).
  const monitor = (v: ModelVersion, mode: 'ARTIFACT' | 'ENDPOINT', state: 'HEALTHY' | 'TAMPERED' | 'UNREACHABLE', since: Date, extra: Record<string, unknown> = {}) =>
    db.monitor.create({
      data: { tenantId, modelVersionId: v.id, mode, intervalSeconds: 86_400, jitterSeconds: 600, nextRunAt: new Date(now + 5 * 3_600_000), state, stateSince: since, createdAt: new Date(now - 11 * DAY), anchorAt: new Date(now - 11 * DAY), ...extra },
    });
  const deploymentMonitor = await monitor(d110, 'ENDPOINT', 'HEALTHY', new Date(now - 9 * DAY), { endpointId: production.id, intervalSeconds: null, cron: '0 6 * * *', triggerSample: 25 });
  const copyMonitor = await monitor(d110, 'ARTIFACT', 'TAMPERED', new Date(now - 3 * 3_600_000 + 30_000));
  let intactToken = '';
  let count = 0;
  for (let day = 10; day >= 3; day--) {
    const endpointRun = day % 2 === 1;
    const result = await verify(digits, d110, w110, new Date(now - day * DAY), 'INTACT', 100, {
      attest: day === 10,
      mode: endpointRun ? 'ENDPOINT' : 'ARTIFACT',
      ...(endpointRun ? { endpoint: production, monitorId: deploymentMonitor.id } : { monitorId: copyMonitor.id }),
    });
    if (result.token) intactToken = result.token;
    count++;
  }
  await verify(digits, d110, w110, new Date(now - 2 * DAY), 'ERROR', null, { mode: 'ENDPOINT', endpoint: { url: 'http://10.0.0.7:8080/' } });
  const tampered = await verify(digits, d110, w110, new Date(now - 3 * 3_600_000), 'TAMPERED', 83, { attest: true, monitorId: copyMonitor.id });
  count += 2;
  const alert = async (m: { id: string }, from: 'UNKNOWN' | 'HEALTHY', to: 'TAMPERED' | 'UNREACHABLE', verificationId: string, at: Date) => {
    const change = await db.integrityChange.create({ data: { tenantId, monitorId: m.id, fromState: from, toState: to, verificationId, changedAt: at } });
    return db.integrityAlert.create({ data: { tenantId, monitorId: m.id, changeId: change.id, state: to, verificationId, openedAt: at } });
  };
  // Their history: first HEALTHY (no alert), then the change that opened the alert.
  const firstHealthy = (m: { id: string }, verificationId: string, at: Date) =>
    db.integrityChange.create({ data: { tenantId, monitorId: m.id, fromState: 'UNKNOWN', toState: 'HEALTHY', verificationId, changedAt: at } });
  const firstRuns = await db.verification.findMany({ where: { monitorId: { in: [deploymentMonitor.id, copyMonitor.id] } }, orderBy: { createdAt: 'asc' } });
  await firstHealthy(deploymentMonitor, firstRuns.find((r) => r.monitorId === deploymentMonitor.id)!.id, new Date(now - 9 * DAY + 30_000));
  await firstHealthy(copyMonitor, firstRuns.find((r) => r.monitorId === copyMonitor.id)!.id, new Date(now - 10 * DAY + 30_000));
  const tamperedAlert = await alert(copyMonitor, 'HEALTHY', 'TAMPERED', tampered.verification.id, new Date(now - 3 * 3_600_000 + 30_000));

  // fraud-scorer: healthy, tolerance policy.
  const fraud = await model('fraud-scorer', ['tabular', 'risk']);
  const f32 = await version(fraud, '3.2.0', new Date(now - 8 * DAY));
  await db.modelAlias.create({ data: { tenantId, modelId: fraud.id, name: 'production', versionId: f32.id } });
  const wf = await watermark(f32, new Date(now - 8 * DAY), { kind: 'tolerance', maxMismatchFraction: 0.02 });
  for (let day = 7; day >= 1; day -= 2) await verify(fraud, f32, wf, new Date(now - day * DAY), 'INTACT', day === 1 ? 99 : 100);

  // sentiment: its endpoint is down.
  const sentiment = await model('sentiment-bert', ['nlp']);
  const s1 = await version(sentiment, '0.9.1', new Date(now - 5 * DAY));
  const ws = await watermark(s1, new Date(now - 5 * DAY), { kind: 'strict' }, true);
  const weakIntact = await verify(sentiment, s1, ws, new Date(now - 4 * DAY), 'INTACT', 100, { attest: true });
  const sentimentEndpoint = await db.registeredEndpoint.create({
    data: { tenantId, modelVersionId: s1.id, name: 'default', url: 'http://models.internal:8080/', protocol: 'KSERVE_V2', modelName: 'sentiment' },
  });
  const sentimentMonitor = await monitor(s1, 'ENDPOINT', 'UNREACHABLE', new Date(now - 6 * 3_600_000 + 30_000), { endpointId: sentimentEndpoint.id, consecutiveErrors: 2 });
  const down = await verify(sentiment, s1, ws, new Date(now - 6 * 3_600_000), 'ERROR', null, { mode: 'ENDPOINT', endpoint: sentimentEndpoint, monitorId: sentimentMonitor.id });
  await alert(sentimentMonitor, 'HEALTHY', 'UNREACHABLE', down.verification.id, new Date(now - 6 * 3_600_000 + 30_000));

  // speech-kws: registered, being watermarked right now, never verified.
  const speech = await model('speech-kws', ['audio']);
  const k1 = await version(speech, '2.0.0', new Date(now - 3_600_000));
  await version(speech, '2.1.0-rc1', new Date(now - 600_000), false);
  const running = await job('WATERMARK', 'RUNNING', new Date(now - 120_000), { progress: 0.4, message: 'Generating triggers: step 120 of 300' });
  await db.watermark.create({
    data: { tenantId, modelVersionId: k1.id, jobId: running.id, status: 'PENDING', scheme: WATERMARK_SCHEME, method: 'SENSITIVE', triggerCount: 100, parameters: {}, policy: { kind: 'strict' } },
  });
  await job('VERIFY', 'FAILED', new Date(now - 30 * 60_000), { error: 'Endpoint http://models.internal:8080 refused the connection.' });

  // Another tenant's model: must never show up.
  const other = await createTenant(api, 'Other Corp');
  await db.model.create({ data: { tenantId: other.id, name: 'other-tenant-model', tags: ['mnist'] } });

  return {
    viewerKey,
    operatorKey,
    tenantId,
    tampered: { modelId: digits.id, versionId: d110.id, label: '1.1.0', tamperedJti: tampered.jti!, tamperedToken: tampered.token!, intactToken },
    weak: { versionId: s1.id, watermarkId: ws.id, intactToken: weakIntact.token! },
    runningJobId: running.id,
    verificationCount: count,
    monitoring: { tamperedAlertId: tamperedAlert.id, copyMonitorId: copyMonitor.id, deploymentMonitorId: deploymentMonitor.id },
  };
}
