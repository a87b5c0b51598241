-- CreateEnum
CREATE TYPE "IntegrityState" AS ENUM ('UNKNOWN', 'HEALTHY', 'TAMPERED', 'UNREACHABLE');

-- AlterTable
ALTER TABLE "Verification" ADD COLUMN     "monitorId" UUID,
ADD COLUMN     "sampledIndices" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- CreateTable
CREATE TABLE "Monitor" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "mode" "VerificationMode" NOT NULL,
    "endpointId" UUID,
    "intervalSeconds" INTEGER,
    "cron" TEXT,
    "jitterSeconds" INTEGER NOT NULL DEFAULT 0,
    "triggerSample" INTEGER,
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "anchorAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "nextRunAt" TIMESTAMPTZ(3) NOT NULL,
    "lastRunAt" TIMESTAMPTZ(3),
    "lastRunError" TEXT,
    "state" "IntegrityState" NOT NULL DEFAULT 'UNKNOWN',
    "stateSince" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consecutiveErrors" INTEGER NOT NULL DEFAULT 0,
    "lastCheckedAt" TIMESTAMPTZ(3),
    "lastVerificationId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Monitor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrityChange" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "monitorId" UUID NOT NULL,
    "fromState" "IntegrityState" NOT NULL,
    "toState" "IntegrityState" NOT NULL,
    "verificationId" UUID NOT NULL,
    "changedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IntegrityChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntegrityAlert" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "monitorId" UUID NOT NULL,
    "changeId" UUID NOT NULL,
    "state" "IntegrityState" NOT NULL,
    "verificationId" UUID NOT NULL,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "acknowledgedAt" TIMESTAMPTZ(3),
    "acknowledgedById" UUID,
    "acknowledgedBy" TEXT,
    "note" TEXT,

    CONSTRAINT "IntegrityAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Monitor_endpointId_key" ON "Monitor"("endpointId");

-- CreateIndex
CREATE INDEX "Monitor_paused_nextRunAt_idx" ON "Monitor"("paused", "nextRunAt");

-- CreateIndex
CREATE INDEX "Monitor_tenantId_createdAt_idx" ON "Monitor"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "Monitor_modelVersionId_idx" ON "Monitor"("modelVersionId");

-- CreateIndex
CREATE INDEX "IntegrityChange_monitorId_changedAt_idx" ON "IntegrityChange"("monitorId", "changedAt");

-- CreateIndex
CREATE INDEX "IntegrityChange_tenantId_changedAt_idx" ON "IntegrityChange"("tenantId", "changedAt");

-- CreateIndex
CREATE UNIQUE INDEX "IntegrityAlert_changeId_key" ON "IntegrityAlert"("changeId");

-- CreateIndex
CREATE INDEX "IntegrityAlert_tenantId_openedAt_idx" ON "IntegrityAlert"("tenantId", "openedAt");

-- CreateIndex
CREATE INDEX "IntegrityAlert_monitorId_openedAt_idx" ON "IntegrityAlert"("monitorId", "openedAt");

-- AddForeignKey
ALTER TABLE "Monitor" ADD CONSTRAINT "Monitor_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Monitor" ADD CONSTRAINT "Monitor_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "RegisteredEndpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrityChange" ADD CONSTRAINT "IntegrityChange_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrityAlert" ADD CONSTRAINT "IntegrityAlert_monitorId_fkey" FOREIGN KEY ("monitorId") REFERENCES "Monitor"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IntegrityAlert" ADD CONSTRAINT "IntegrityAlert_changeId_fkey" FOREIGN KEY ("changeId") REFERENCES "IntegrityChange"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "Verification_monitorId_completedAt_idx" ON "Verification"("monitorId", "completedAt");

-- One ARTIFACT monitor per version (ENDPOINT monitors are unique per endpoint above).
CREATE UNIQUE INDEX "Monitor_artifact_version_key" ON "Monitor"("modelVersionId") WHERE "mode" = 'ARTIFACT';

-- A schedule is an interval or a cron expression, never both or neither.
ALTER TABLE "Monitor" ADD CONSTRAINT "Monitor_schedule_check" CHECK (("intervalSeconds" IS NULL) <> ("cron" IS NULL));
