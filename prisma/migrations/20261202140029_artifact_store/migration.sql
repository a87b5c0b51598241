-- CreateTable
CREATE TABLE "ArtifactBlob" (
    "sha256" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "chunks" INTEGER NOT NULL,
    "storedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactBlob_pkey" PRIMARY KEY ("sha256")
);

-- CreateTable
CREATE TABLE "ArtifactBlobChunk" (
    "key" TEXT NOT NULL,
    "index" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ArtifactBlobChunk_pkey" PRIMARY KEY ("key","index")
);

-- CreateTable
CREATE TABLE "PlatformSetting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PlatformSetting_pkey" PRIMARY KEY ("key")
);

-- Chunks are model weights: incompressible, so skip pglz's attempt to compress them (faster writes).
ALTER TABLE "ArtifactBlobChunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;
