-- AlterEnum
ALTER TYPE "JobKind" ADD VALUE 'REWRAP';
