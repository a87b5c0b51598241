-- AlterTable
ALTER TABLE "Watermark" ADD COLUMN     "allowWeak" BOOLEAN NOT NULL DEFAULT false;
