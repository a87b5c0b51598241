-- CreateEnum
CREATE TYPE "InputEncoding" AS ENUM ('FLOAT32', 'UINT8');

-- CreateEnum
CREATE TYPE "ServingProfile" AS ENUM ('FP32_EXACT', 'TF32', 'FP16', 'BF16');

-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "endpointInputFormat" "InputEncoding",
ADD COLUMN     "inputEncoding" "InputEncoding" NOT NULL DEFAULT 'FLOAT32',
ADD COLUMN     "inputMax" DOUBLE PRECISION,
ADD COLUMN     "inputMin" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Verification" ADD COLUMN     "endpointInputFormat" "InputEncoding";

-- AlterTable
ALTER TABLE "Watermark" ADD COLUMN     "inputDomain" JSONB,
ADD COLUMN     "profile" "ServingProfile" NOT NULL DEFAULT 'FP32_EXACT';
