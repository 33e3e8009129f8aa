package dev.emm.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vendored bridge sources belong to the DJL on the class path: the vendored PyTorchLibrary.java
 * (from which prepare.sh generates the JNI header) declares exactly the native methods of the
 * pytorch-engine jar's class, and the vendored C++ sources define every one of them. A DJL upgrade
 * without re-vendoring fails here, not on the GPU machine.
 */
class VendoredBridgeTest {

    private static final Path BRIDGE = Path.of(System.getProperty("emm.home", "../..")).resolve("tools/gpu-check/bridge");
    private static final Pattern NATIVE = Pattern.compile("native\\s+[\\w.<>\\[\\], ]+?\\s+(\\w+)\\s*\\(([^)]*)\\)\\s*;");

    @Test
    void vendoredJavaDeclaresTheEnginesNativeMethods() throws Exception {
        Set<String> jar = new TreeSet<>();
        for (Method m : Class.forName("ai.djl.pytorch.jni.PyTorchLibrary").getDeclaredMethods()) {
            if (Modifier.isNative(m.getModifiers())) {
                jar.add(m.getName() + Stream.of(m.getParameterTypes()).map(Class::getSimpleName)
                        .collect(Collectors.joining(",", "(", ")")));
            }
        }
        Set<String> vendored = new TreeSet<>(vendoredNativeMethods());
        assertTrue(jar.size() > 200, "the engine declares " + jar.size() + " native methods");
        assertEquals(jar, vendored);
    }

    @Test
    void vendoredSourcesDefineEveryNativeMethod() throws IOException {
        StringBuilder sources = new StringBuilder();
        try (Stream<Path> files = Files.list(BRIDGE.resolve("src"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".cc")).sorted().toList()) {
                sources.append(Files.readString(f));
            }
        }
        List<String> missing = new ArrayList<>();
        for (String method : vendoredNativeMethods()) {
            String name = method.substring(0, method.indexOf('('));
            // JNI names: '_' in a Java name is written "_1"; an overloaded method's name continues
            // with "__" and its mangled argument types.
            String symbol = "Java_ai_djl_pytorch_jni_PyTorchLibrary_" + name.replace("_", "_1");
            if (sources.indexOf(symbol + "(") < 0 && sources.indexOf(symbol + "__") < 0) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "native methods without a definition in bridge/src");
    }

    private static List<String> vendoredNativeMethods() throws IOException {
        String java = Files.readString(BRIDGE.resolve("java/ai/djl/pytorch/jni/PyTorchLibrary.java"))
                .replaceAll("\\s+", " ");
        List<String> methods = new ArrayList<>();
        Matcher m = NATIVE.matcher(java);
        while (m.find()) {
            String params = m.group(2).trim();
            String types = params.isEmpty() ? "" : Stream.of(params.split(","))
                    .map(p -> p.trim().replaceAll("<.*>", "").replace("...", "[]").split(" ")[0])
                    .collect(Collectors.joining(","));
            methods.add(m.group(1) + "(" + types + ")");
        }
        return methods;
    }
}
