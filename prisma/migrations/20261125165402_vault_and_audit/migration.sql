-- CreateTable
CREATE TABLE "VaultKeyring" (
    "id" TEXT NOT NULL,
    "tenantId" UUID,
    "currentVersion" INTEGER NOT NULL,
    "minVersion" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "shredAfter" TIMESTAMPTZ(3),
    "shreddedAt" TIMESTAMPTZ(3),

    CONSTRAINT "VaultKeyring_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VaultKey" (
    "id" UUID NOT NULL,
    "keyringId" TEXT NOT NULL,
    "tenantId" UUID,
    "version" INTEGER NOT NULL,
    "wrappedKey" BYTEA NOT NULL,
    "masterVersion" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retiredAt" TIMESTAMPTZ(3),
    "destroyedAt" TIMESTAMPTZ(3),

    CONSTRAINT "VaultKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "VaultSecret" (
    "id" UUID NOT NULL,
    "keyringId" TEXT NOT NULL,
    "tenantId" UUID,
    "purpose" TEXT NOT NULL,
    "recordId" TEXT NOT NULL,
    "keyVersion" INTEGER NOT NULL,
    "wrappedDataKey" BYTEA NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "VaultSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" UUID NOT NULL,
    "tenantId" UUID,
    "actorApiKeyId" UUID,
    "action" TEXT NOT NULL,
    "purpose" TEXT,
    "recordId" TEXT,
    "keyVersion" INTEGER,
    "details" JSONB,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "VaultKeyring_tenantId_key" ON "VaultKeyring"("tenantId");

-- CreateIndex
CREATE INDEX "VaultKey_tenantId_idx" ON "VaultKey"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "VaultKey_keyringId_version_key" ON "VaultKey"("keyringId", "version");

-- CreateIndex
CREATE INDEX "VaultSecret_keyringId_keyVersion_idx" ON "VaultSecret"("keyringId", "keyVersion");

-- CreateIndex
CREATE INDEX "VaultSecret_tenantId_idx" ON "VaultSecret"("tenantId");

-- CreateIndex
CREATE UNIQUE INDEX "VaultSecret_keyringId_purpose_recordId_key" ON "VaultSecret"("keyringId", "purpose", "recordId");

-- CreateIndex
CREATE INDEX "AuditEvent_tenantId_createdAt_idx" ON "AuditEvent"("tenantId", "createdAt");

-- AddForeignKey
ALTER TABLE "VaultKey" ADD CONSTRAINT "VaultKey_keyringId_fkey" FOREIGN KEY ("keyringId") REFERENCES "VaultKeyring"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Audit events are append-only: refuse updates and deletes at the database itself.
CREATE FUNCTION fragmark_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION fragmark_audit_append_only();
