-- CreateEnum
CREATE TYPE "EnrollmentStatus" AS ENUM ('PENDING', 'ENROLLED', 'FAILED', 'CANCELLED');

-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'ENROLL';

-- AlterTable
ALTER TABLE "Verification" ADD COLUMN     "enrollmentId" UUID,
ADD COLUMN     "triggersExcluded" INTEGER;

-- CreateTable
CREATE TABLE "EndpointEnrollment" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "watermarkId" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "status" "EnrollmentStatus" NOT NULL DEFAULT 'PENDING',
    "endpointUrl" TEXT NOT NULL,
    "endpointProtocol" "EndpointProtocol" NOT NULL,
    "endpointModelName" TEXT NOT NULL,
    "endpointInputFormat" "InputEncoding" NOT NULL DEFAULT 'FLOAT32',
    "hasEndpointCredential" BOOLEAN NOT NULL DEFAULT false,
    "rounds" INTEGER NOT NULL,
    "batchSizes" INTEGER[],
    "maxUnstableShare" DOUBLE PRECISION NOT NULL,
    "stableIndices" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "unstableCount" INTEGER,
    "mismatchedCount" INTEGER,
    "observedMargins" JSONB,
    "errorReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "EndpointEnrollment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "EndpointEnrollment_jobId_key" ON "EndpointEnrollment"("jobId");

-- CreateIndex
CREATE INDEX "EndpointEnrollment_tenantId_createdAt_idx" ON "EndpointEnrollment"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "EndpointEnrollment_watermarkId_endpointUrl_idx" ON "EndpointEnrollment"("watermarkId", "endpointUrl");

-- AddForeignKey
ALTER TABLE "EndpointEnrollment" ADD CONSTRAINT "EndpointEnrollment_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EndpointEnrollment" ADD CONSTRAINT "EndpointEnrollment_watermarkId_fkey" FOREIGN KEY ("watermarkId") REFERENCES "Watermark"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "EndpointEnrollment" ADD CONSTRAINT "EndpointEnrollment_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_enrollmentId_fkey" FOREIGN KEY ("enrollmentId") REFERENCES "EndpointEnrollment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
