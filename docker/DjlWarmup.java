import ai.djl.engine.Engine;

/**
 * Run once at image build time (java -cp 'lib/main/*' DjlWarmup.java): loads the PyTorch engine so
 * that DJL unpacks (CPU image) or downloads (GPU image, PYTORCH_FLAVOR=cu128) the native libraries
 * into ENGINE_CACHE_DIR, which becomes a read-only part of the image.
 */
public class DjlWarmup {
    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        System.out.println("DJL engine " + engine.getEngineName() + " " + engine.getVersion()
                + ", GPUs visible at build time: " + engine.getGpuCount()
                + ", cache " + System.getenv("ENGINE_CACHE_DIR"));
    }
}
