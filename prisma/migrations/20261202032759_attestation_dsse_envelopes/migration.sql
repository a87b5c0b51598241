-- AlterTable
ALTER TABLE "Attestation" ADD COLUMN     "dsseEnvelope" JSONB;
