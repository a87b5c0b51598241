-- AlterTable
ALTER TABLE "Verification" ADD COLUMN     "endpointModelName" TEXT,
ADD COLUMN     "endpointProtocol" "EndpointProtocol",
ADD COLUMN     "hasEndpointCredential" BOOLEAN NOT NULL DEFAULT false;
