package dev.emm.djl.nn;

/**
 * How a layer's weight and bias are initialised: EDM's {@code init_mode}, {@code init_weight} and
 * {@code init_bias}, with fan-in/fan-out supplied by the layer.
 */
public record InitSpec(EdmInit.Mode mode, double weightScale, double biasScale) {

    /** SongUNet's {@code init}: xavier_uniform, weight x1, bias x0. */
    public static final InitSpec XAVIER = new InitSpec(EdmInit.Mode.XAVIER_UNIFORM, 1, 0);
    /** SongUNet's {@code init_zero}: xavier_uniform, weight x1e-5, bias x0. */
    public static final InitSpec NEAR_ZERO = new InitSpec(EdmInit.Mode.XAVIER_UNIFORM, 1e-5, 0);
    /** SongUNet's {@code init_attn}: xavier_uniform, weight x sqrt(0.2), bias x0. */
    public static final InitSpec ATTENTION = new InitSpec(EdmInit.Mode.XAVIER_UNIFORM, Math.sqrt(0.2), 0);

    public EdmInit weight(double fanIn, double fanOut) {
        return EdmInit.of(mode, fanIn, fanOut, weightScale);
    }

    public EdmInit bias(double fanIn, double fanOut) {
        return EdmInit.of(mode, fanIn, fanOut, biasScale);
    }
}
