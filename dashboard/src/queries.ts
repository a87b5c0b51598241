/**
 * Every GraphQL document the dashboard sends, in one place, so that a test
 * (test/dashboard/queries.test.ts) validates them against schema.graphql and the server's
 * default query limits (depth 12, cost 5000, aliases 30). Page sizes are literals where they
 * multiply nested lists, because the cost rule counts a page size given by a variable as 100.
 *
 * Only descriptive fields: trigger sets and their labels are secrets and are never asked for.
 */

export const VIEWER = `query Viewer { viewer { role tenant { id name slug } apiKey { name prefix } } }`;

/** Models of the fleet, 25 a page, each with up to 10 versions (the model page lists them all). */
export const FLEET_PAGE_SIZE = 25;
export const FLEET_VERSIONS_SHOWN = 10;
export const FLEET = `query Fleet($after: String) {
  models(first: ${FLEET_PAGE_SIZE}, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name tags
      aliases { name version { id label } }
      versions(first: ${FLEET_VERSIONS_SHOWN}) { totalCount edges { node { id label status latestVerification { verdict } } } }
      latestVerification { id verdict createdAt completedAt modelVersion { id label } }
      verificationCounts { intact tampered error }
    } }
  }
}`;

export const MONITOR_FIELDS = `id mode state stateSince intervalSeconds cron jitterSeconds triggerSample paused nextRunAt lastRunAt lastRunError
  consecutiveErrors endpoint { name url } modelVersion { id label model { id name } }`;

/** The fleet's monitors and open alerts (the fleet page's state column and alerts panel). */
export const MONITORING = `query Monitoring {
  monitors(first: 100) { totalCount edges { node { ${MONITOR_FIELDS} } } }
  integrityAlerts(first: 50, filter: { open: true }) { totalCount edges { node {
    id state previousState openedAt verification { id }
    monitor { id mode endpoint { name url } modelVersion { id label model { id name } } }
  } } }
}`;

export const ACKNOWLEDGE_ALERT = `mutation AcknowledgeAlert($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { id acknowledged acknowledgedBy } userErrors { code message } } }`;

export const VERIFICATION_FIELDS = `id mode verdict triggersQueried triggersMatched accTri errorReason createdAt completedAt
  endpoint { registered name url } weightsMatchRegistered monitor { id }
  watermark { id } attestation { jti token revoked expiresAt }`;

export const MODEL = `query Model($id: ID!) {
  model(id: $id) {
    id name description tags createdAt
    aliases { name updatedAt version { id label } }
    verificationCounts { intact tampered error pending }
    latestVerification { verdict }
    versions(first: 100) { totalCount edges { node {
      id label status createdAt weightsDigest aliases
      watermarks(first: 0) { totalCount }
      latestVerification { verdict accTri createdAt completedAt }
    } } }
  }
  verifications(first: 20, filter: { modelId: $id }) { totalCount edges { node { ${VERIFICATION_FIELDS} modelVersion { id label } } } }
}`;

export const VERSION = `query Version($id: ID!) {
  modelVersion(id: $id) {
    id label status createdAt uploadedAt weightsDigest format inputShape inputLayout numClasses aliases
    endpoint { url protocol modelName inputFormat }
    endpoints { id name url protocol hasCredential }
    inputDomain { min max encoding }
    model { id name }
    latestVerification { verdict }
    verificationCounts { intact tampered error pending }
    watermarks(first: 50) { totalCount edges { node {
      id status scheme method triggerCount createdAt readyAt commitment
      policy { kind maxMismatchFraction }
      profile
      selfCheck { accTri digestUnchanged flipFractionUnderNoise noiseStd medianMargin shareAtLimits }
      strength { level flipFractionUnderNoise noiseStd detectionFloor }
      job { error }
    } } }
    monitors { ${MONITOR_FIELDS} }
    enrollments(first: 20) { totalCount edges { node {
      id status stableCount unstableCount mismatchedCount errorReason createdAt completedAt
      endpoint { url protocol inputFormat }
      watermark { id profile }
    } } }
  }
}`;

/** A version's verifications, newest first, 100 a page (the chart and the table). */
export const HISTORY = `query History($id: ID!, $after: String) {
  verifications(first: 100, after: $after, filter: { modelVersionId: $id }) {
    pageInfo { hasNextPage endCursor }
    edges { node { ${VERIFICATION_FIELDS} } }
  }
}`;

const JOB_FIELDS = `id kind status progress message error attempts createdAt startedAt finishedAt
  watermark { id modelVersion { id label model { id name } } }`;

/** Jobs do not link to their verification; recent verifications name their job, so the page joins them. */
export const JOBS = `query Jobs {
  running: jobs(first: 50, filter: { status: RUNNING }) { edges { node { ${JOB_FIELDS} } } }
  queued: jobs(first: 50, filter: { status: QUEUED }) { edges { node { ${JOB_FIELDS} } } }
  recent: jobs(first: 25) { totalCount edges { node { ${JOB_FIELDS} } } }
  verifications(first: 50) { edges { node { id verdict job { id } modelVersion { id label model { id name } } } } }
}`;

/** Public: needs no API key. */
export const ATTESTATION_STATUS = `query Status($jti: ID!) { attestationStatus(jti: $jti) { jti known revoked expiresAt } }`;

/** The fleet report (page /report): per monitor over the window, with each check's attestation id. */
export const FLEET_REPORT = `query FleetReport($since: DateTime!) {
  fleetReport(since: $since) {
    since until
    rows {
      monitor { id mode state endpoint { name url } modelVersion { id label model { id name } } }
      checks intact tampered errors healthyShare openAlerts
      evidence { verificationId verdict completedAt attestationId }
    }
  }
}`;

export const ALL_DOCUMENTS = { VIEWER, FLEET, MONITORING, ACKNOWLEDGE_ALERT, FLEET_REPORT, MODEL, VERSION, HISTORY, JOBS, ATTESTATION_STATUS };
