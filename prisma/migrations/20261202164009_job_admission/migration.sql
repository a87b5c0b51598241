-- CreateTable
CREATE TABLE "JobAdmission" (
    "queue" TEXT NOT NULL,
    "groupId" TEXT NOT NULL,
    "jobId" UUID NOT NULL,
    "retryCount" INTEGER NOT NULL,
    "admittedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobAdmission_pkey" PRIMARY KEY ("queue","jobId")
);

-- CreateIndex
CREATE INDEX "JobAdmission_queue_groupId_idx" ON "JobAdmission"("queue", "groupId");
