-- CreateEnum
CREATE TYPE "VerificationMode" AS ENUM ('ARTIFACT', 'ENDPOINT', 'CHALLENGE');

-- CreateEnum
CREATE TYPE "Verdict" AS ENUM ('PENDING', 'INTACT', 'TAMPERED', 'ERROR');

-- AlterTable
ALTER TABLE "Watermark" ADD COLUMN     "revealedIndices" INTEGER[] DEFAULT ARRAY[]::INTEGER[];

-- CreateTable
CREATE TABLE "Verification" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "watermarkId" UUID NOT NULL,
    "jobId" UUID,
    "mode" "VerificationMode" NOT NULL,
    "verdict" "Verdict" NOT NULL DEFAULT 'PENDING',
    "triggersQueried" INTEGER,
    "triggersMatched" INTEGER,
    "accTri" DOUBLE PRECISION,
    "policy" JSONB NOT NULL,
    "errorReason" TEXT,
    "candidateArtifactId" UUID,
    "checkedDigest" TEXT,
    "endpointUrl" TEXT,
    "backend" TEXT,
    "audience" TEXT,
    "nonce" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CandidateArtifact" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "artifact" JSONB NOT NULL,
    "weightsDigest" TEXT NOT NULL,
    "inputShape" INTEGER[],
    "numClasses" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CandidateArtifact_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attestation" (
    "jti" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "verificationId" UUID NOT NULL,
    "kid" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "issuedAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),
    "revokedReason" TEXT,

    CONSTRAINT "Attestation_pkey" PRIMARY KEY ("jti")
);

-- CreateTable
CREATE TABLE "SigningKey" (
    "kid" TEXT NOT NULL,
    "publicJwk" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMPTZ(3),
    "lastTokenExpiresAt" TIMESTAMPTZ(3),

    CONSTRAINT "SigningKey_pkey" PRIMARY KEY ("kid")
);

-- CreateTable
CREATE TABLE "Challenge" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "watermarkId" UUID NOT NULL,
    "triggerIndices" INTEGER[],
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "audience" TEXT,
    "nonce" TEXT,
    "verificationId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "answeredAt" TIMESTAMPTZ(3),

    CONSTRAINT "Challenge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Verification_jobId_key" ON "Verification"("jobId");

-- CreateIndex
CREATE INDEX "Verification_tenantId_createdAt_idx" ON "Verification"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "Verification_modelVersionId_createdAt_idx" ON "Verification"("modelVersionId", "createdAt");

-- CreateIndex
CREATE INDEX "Verification_tenantId_verdict_idx" ON "Verification"("tenantId", "verdict");

-- CreateIndex
CREATE INDEX "CandidateArtifact_tenantId_createdAt_idx" ON "CandidateArtifact"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Attestation_verificationId_key" ON "Attestation"("verificationId");

-- CreateIndex
CREATE INDEX "Attestation_tenantId_issuedAt_idx" ON "Attestation"("tenantId", "issuedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Challenge_verificationId_key" ON "Challenge"("verificationId");

-- CreateIndex
CREATE INDEX "Challenge_tenantId_createdAt_idx" ON "Challenge"("tenantId", "createdAt");

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_watermarkId_fkey" FOREIGN KEY ("watermarkId") REFERENCES "Watermark"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attestation" ADD CONSTRAINT "Attestation_verificationId_fkey" FOREIGN KEY ("verificationId") REFERENCES "Verification"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_watermarkId_fkey" FOREIGN KEY ("watermarkId") REFERENCES "Watermark"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Challenge" ADD CONSTRAINT "Challenge_verificationId_fkey" FOREIGN KEY ("verificationId") REFERENCES "Verification"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
