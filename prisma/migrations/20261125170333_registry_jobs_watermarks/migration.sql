-- CreateEnum
CREATE TYPE "ModelVersionStatus" AS ENUM ('AWAITING_UPLOAD', 'READY');

-- CreateEnum
CREATE TYPE "EndpointProtocol" AS ENUM ('TF_SERVING_REST', 'KSERVE_V2');

-- CreateEnum
CREATE TYPE "JobKind" AS ENUM ('WATERMARK', 'VERIFY');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "WatermarkStatus" AS ENUM ('PENDING', 'READY', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "Model" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "tags" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelVersion" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "status" "ModelVersionStatus" NOT NULL DEFAULT 'AWAITING_UPLOAD',
    "format" TEXT NOT NULL DEFAULT 'TFJS_LAYERS',
    "inputShape" INTEGER[],
    "numClasses" INTEGER,
    "weightsDigest" TEXT,
    "artifact" JSONB,
    "artifactDigest" TEXT,
    "artifactBytes" INTEGER,
    "uploadedAt" TIMESTAMPTZ(3),
    "endpointUrl" TEXT,
    "endpointProtocol" "EndpointProtocol",
    "endpointModelName" TEXT,
    "hasEndpointCredential" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ModelAlias" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "versionId" UUID NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ModelAlias_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "kind" "JobKind" NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "message" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "workerId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Watermark" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "jobId" UUID NOT NULL,
    "status" "WatermarkStatus" NOT NULL DEFAULT 'PENDING',
    "scheme" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "triggerCount" INTEGER NOT NULL,
    "parameters" JSONB NOT NULL,
    "policy" JSONB NOT NULL,
    "commitment" TEXT,
    "backend" TEXT,
    "generationSteps" INTEGER,
    "selfCheck" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readyAt" TIMESTAMPTZ(3),

    CONSTRAINT "Watermark_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Model_tenantId_createdAt_idx" ON "Model"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Model_tenantId_name_key" ON "Model"("tenantId", "name");

-- CreateIndex
CREATE INDEX "ModelVersion_tenantId_createdAt_idx" ON "ModelVersion"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ModelVersion_modelId_label_key" ON "ModelVersion"("modelId", "label");

-- CreateIndex
CREATE UNIQUE INDEX "ModelAlias_modelId_name_key" ON "ModelAlias"("modelId", "name");

-- CreateIndex
CREATE INDEX "Job_tenantId_createdAt_idx" ON "Job"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Watermark_jobId_key" ON "Watermark"("jobId");

-- CreateIndex
CREATE INDEX "Watermark_tenantId_createdAt_idx" ON "Watermark"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "Watermark_modelVersionId_idx" ON "Watermark"("modelVersionId");

-- AddForeignKey
ALTER TABLE "Model" ADD CONSTRAINT "Model_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelAlias" ADD CONSTRAINT "ModelAlias_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Watermark" ADD CONSTRAINT "Watermark_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Watermark" ADD CONSTRAINT "Watermark_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "Job"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
