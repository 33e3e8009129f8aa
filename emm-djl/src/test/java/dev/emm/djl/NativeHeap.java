package dev.emm.djl;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Structure;

/**
 * The C heap as glibc's allocator counts it ({@code mallinfo2}, glibc 2.33 and later), where
 * libtorch keeps tensors and autograd graphs. Its footprint counts every block the allocator holds
 * from the system, in use or kept free for reuse, but not the JVM's heap, code or mapped files: a
 * leak of small objects among large freed blocks shows in it (fragmentation), while the noise of
 * RSS (heap pages, class data) does not.
 */
final class NativeHeap {

    private NativeHeap() {
    }

    /** Bytes held from the system: the arenas (arena) plus blocks mapped on their own (hblkhd). */
    static long footprintBytes() {
        Function mallinfo2 = NativeLibrary.getInstance("c").getFunction("mallinfo2");
        MallInfo2 info = (MallInfo2) mallinfo2.invoke(MallInfo2.class, new Object[0]);
        return info.arena + info.hblkhd;
    }

    /** glibc's struct mallinfo2 (ten size_t fields), returned by value. */
    @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
            "fordblks", "keepcost"})
    public static final class MallInfo2 extends Structure implements Structure.ByValue {
        public long arena;
        public long ordblks;
        public long smblks;
        public long hblks;
        public long hblkhd;
        public long usmblks;
        public long fsmblks;
        public long uordblks;
        public long fordblks;
        public long keepcost;
    }
}
