-- Registered endpoints: a version's deployments become their own records (registered by tenant
-- admins, audited), so that an attestation can name the endpoint it checked.

-- CreateTable
CREATE TABLE "RegisteredEndpoint" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "modelVersionId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "protocol" "EndpointProtocol" NOT NULL,
    "modelName" TEXT NOT NULL,
    "inputFormat" "InputEncoding" NOT NULL DEFAULT 'FLOAT32',
    "credentialRecordId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RegisteredEndpoint_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "RegisteredEndpoint_modelVersionId_idx" ON "RegisteredEndpoint"("modelVersionId");
CREATE INDEX "RegisteredEndpoint_tenantId_createdAt_idx" ON "RegisteredEndpoint"("tenantId", "createdAt");
-- One active endpoint per version and name (Prisma cannot declare a partial unique index).
CREATE UNIQUE INDEX "RegisteredEndpoint_active_name_key" ON "RegisteredEndpoint"("modelVersionId", "name") WHERE "removedAt" IS NULL;
ALTER TABLE "RegisteredEndpoint" ADD CONSTRAINT "RegisteredEndpoint_modelVersionId_fkey" FOREIGN KEY ("modelVersionId") REFERENCES "ModelVersion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The endpoint each version registered with createModelVersion becomes its "default" registered
-- endpoint; its credential stays sealed under the version's id (credentialRecordId).
INSERT INTO "RegisteredEndpoint" ("id", "tenantId", "modelVersionId", "name", "url", "protocol", "modelName", "inputFormat", "credentialRecordId", "createdAt", "updatedAt")
SELECT gen_random_uuid(), v."tenantId", v."id", 'default', v."endpointUrl", v."endpointProtocol",
       COALESCE(v."endpointModelName", m."name"), COALESCE(v."endpointInputFormat", 'FLOAT32'),
       CASE WHEN v."hasEndpointCredential" THEN v."id" ELSE NULL END, v."createdAt", v."createdAt"
FROM "ModelVersion" v JOIN "Model" m ON m."id" = v."modelId"
WHERE v."endpointUrl" IS NOT NULL AND v."endpointProtocol" IS NOT NULL;

-- AlterTable
ALTER TABLE "EndpointEnrollment" ADD COLUMN "endpointId" UUID;
ALTER TABLE "Verification" ADD COLUMN "checkedArtifactDigest" TEXT,
ADD COLUMN "endpointId" UUID,
ADD COLUMN "tlsCertificateSha256" TEXT;

-- Earlier checks of exactly that endpoint (same URL, protocol, model name, input format) name it.
UPDATE "Verification" x SET "endpointId" = e."id"
FROM "RegisteredEndpoint" e
WHERE x."modelVersionId" = e."modelVersionId" AND x."mode" = 'ENDPOINT' AND x."endpointUrl" = e."url"
  AND x."endpointProtocol" = e."protocol" AND COALESCE(x."endpointModelName", e."modelName") = e."modelName"
  AND COALESCE(x."endpointInputFormat", 'FLOAT32') = e."inputFormat" AND NOT x."hasEndpointCredential";
UPDATE "EndpointEnrollment" x SET "endpointId" = e."id"
FROM "RegisteredEndpoint" e
WHERE x."modelVersionId" = e."modelVersionId" AND x."endpointUrl" = e."url" AND x."endpointProtocol" = e."protocol"
  AND x."endpointModelName" = e."modelName" AND x."endpointInputFormat" = e."inputFormat" AND NOT x."hasEndpointCredential";

ALTER TABLE "EndpointEnrollment" ADD CONSTRAINT "EndpointEnrollment_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "RegisteredEndpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "RegisteredEndpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "ModelVersion" DROP COLUMN "endpointInputFormat",
DROP COLUMN "endpointModelName",
DROP COLUMN "endpointProtocol",
DROP COLUMN "endpointUrl",
DROP COLUMN "hasEndpointCredential";
