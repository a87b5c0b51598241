-- AlterTable
ALTER TABLE "ModelVersion" ADD COLUMN     "binaryOutput" TEXT,
ADD COLUMN     "inputLayout" TEXT NOT NULL DEFAULT 'NHWC';

-- Versions uploaded before layouts were recorded were all TF.js Layers models: channels-last
-- images, or flat inputs when the shape is not [H, W, C].
UPDATE "ModelVersion" SET "inputLayout" = 'FLAT' WHERE "status" <> 'AWAITING_UPLOAD' AND coalesce(array_length("inputShape", 1), 0) <> 3;
