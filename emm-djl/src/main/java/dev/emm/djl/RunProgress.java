package dev.emm.djl;

/**
 * @param step optimizer steps completed
 * @param totalSteps steps the run takes in all
 * @param images training images consumed
 * @param totalImages images the run consumes in all
 * @param loss mean per-pixel weighted loss over the steps since the previous report (EDM's Loss/loss)
 * @param imagesPerSecond throughput since the previous report
 * @param learningRate the learning rate the last step applied
 * @param emaBeta the EMA decay the last step applied (0 when the run keeps no EMA)
 */
public record RunProgress(long step, long totalSteps, long images, long totalImages, double loss,
                          double imagesPerSecond, double learningRate, double emaBeta) {
}
