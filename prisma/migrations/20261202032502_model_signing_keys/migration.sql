-- CreateEnum
CREATE TYPE "ModelSigningKeyAlgorithm" AS ENUM ('ECDSA_P256', 'ECDSA_P384', 'ECDSA_P521', 'ED25519');

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "signatureKeyId" UUID,
ADD COLUMN     "signaturePublicKeySha256" TEXT,
ADD COLUMN     "signatureVerifiedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "ModelSigningKey" (
    "id" UUID NOT NULL,
    "tenantId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "algorithm" "ModelSigningKeyAlgorithm" NOT NULL,
    "publicKeyPem" TEXT NOT NULL,
    "publicKeySha256" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ModelSigningKey_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ModelSigningKey_tenantId_createdAt_idx" ON "ModelSigningKey"("tenantId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ModelSigningKey_tenantId_publicKeySha256_key" ON "ModelSigningKey"("tenantId", "publicKeySha256");

-- CreateIndex
CREATE INDEX "ModelVersion_signatureKeyId_idx" ON "ModelVersion"("signatureKeyId");

-- AddForeignKey
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_signatureKeyId_fkey" FOREIGN KEY ("signatureKeyId") REFERENCES "ModelSigningKey"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelSigningKey" ADD CONSTRAINT "ModelSigningKey_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- A version's verified signature is recorded whole or not at all (Prisma does not model CHECK constraints).
ALTER TABLE "ModelVersion" ADD CONSTRAINT "ModelVersion_signature_whole" CHECK (
  ("signatureKeyId" IS NULL AND "signaturePublicKeySha256" IS NULL AND "signatureVerifiedAt" IS NULL)
  OR ("signatureKeyId" IS NOT NULL AND "signaturePublicKeySha256" IS NOT NULL AND "signatureVerifiedAt" IS NOT NULL)
);
